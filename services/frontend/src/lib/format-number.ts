// Whole numbers in the reader's own locale: "10,000" in en-US, "10.000" in de-DE.
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatInteger(value: number): string {
  return integer.format(value);
}
