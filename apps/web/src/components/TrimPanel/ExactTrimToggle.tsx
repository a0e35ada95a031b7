interface ExactTrimToggleProps {
  exact: boolean;
  onChange: (exact: boolean) => void;
}

/** Whether the trims above are exact (`=`) or approximate (`~`), and what `~` means for a small stream. */
export function ExactTrimToggle({ exact, onChange }: ExactTrimToggleProps) {
  return (
    <>
      <label className="checkbox trim-exact">
        <input type="checkbox" checked={exact} onChange={(event) => onChange(event.target.checked)} />
        Exact trim (without <span className="mono">~</span>)
      </label>
      <p className="trim-note">
        With <span className="mono">~</span> Redis frees only whole macro-nodes, so a small stream may not
        shrink.
      </p>
    </>
  );
}
