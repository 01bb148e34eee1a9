export type Tab<T extends string> = { id: T; label: string };

/** Accessible tab list; the selected tab lives in the caller's state (here: the URL). */
export function Tabs<T extends string>({
  tabs,
  selected,
  onSelect,
}: {
  tabs: Tab<T>[];
  selected: T;
  onSelect: (id: T) => void;
}) {
  return (
    <div role="tablist" className="flex gap-1 border-b border-slate-200">
      {tabs.map((tab) => (
        <button
          key={tab.id}
          role="tab"
          type="button"
          aria-selected={tab.id === selected}
          onClick={() => onSelect(tab.id)}
          className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${
            tab.id === selected
              ? 'border-indigo-600 text-indigo-700'
              : 'border-transparent text-slate-500 hover:text-slate-800'
          }`}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
