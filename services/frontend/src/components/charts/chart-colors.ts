// One colour per compared run (max 5), the same in every chart. Imported only by the lazily
// loaded charts, so Rollup names the shared Recharts chunk after this file (chart-colors-*.js).
export const RUN_COLORS = ['#4f46e5', '#059669', '#d97706', '#dc2626', '#0891b2'];

export const runColor = (index: number) => RUN_COLORS[index % RUN_COLORS.length];
