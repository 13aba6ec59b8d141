//! The page's one stylesheet, inline (no external font or file): a readable screen layout, the
//! verdict and severity colours (always beside their words), and a print stylesheet that drops
//! the controls, keeps rows whole and prints in black on white.

pub const CSS: &str = r#"
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa;
  --allowed: #1a7f37; --conditional: #9a6700; --prohibited: #cf222e; --unknown: #57606a;
  --error: #6e40c9; --high: #cf222e; --medium: #bc4c00; --low: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem 2rem 3rem; color: var(--ink); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 0 0 .5rem; }
h4 { font-size: .95rem; margin: 1rem 0 .25rem; }
p.meta, p.lede { color: var(--muted); margin: .25rem 0; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
thead th { vertical-align: bottom; }
#matrix, #questions { font-size: 14px; }
#matrix small, #questions small { color: var(--muted); }
td code { overflow-wrap: normal; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr[hidden] { display: none; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .8rem; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.v-allowed { color: var(--allowed); } .v-conditional { color: var(--conditional); }
.v-prohibited { color: var(--prohibited); } .v-unknown { color: var(--unknown); }
.v-error { color: var(--error); }
.s-high { color: var(--high); } .s-medium { color: var(--medium); } .s-low { color: var(--low); }
.stale { color: var(--medium); font-weight: 600; }
#controls { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; flex-wrap: wrap; }
#controls[hidden] { display: none; }
button.sort { border: 0; background: none; padding: 0 .2rem; cursor: pointer; color: var(--muted); font: inherit; }
button.sort[hidden] { display: none; }
input, select { font: inherit; padding: .2rem .4rem; }
.charts { display: flex; gap: 1.5rem; flex-wrap: wrap; }
figure { margin: 0; flex: 1 1 480px; max-width: 640px; }
figcaption { color: var(--muted); font-size: .9rem; }
svg { width: 100%; height: auto; font: 12px system-ui, sans-serif; }
section.model { border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin: 1rem 0; }
ul { margin: .25rem 0; padding-left: 1.25rem; }
blockquote { margin: .25rem 0; padding-left: .75rem; border-left: 3px solid var(--line); color: var(--muted); }
footer { margin-top: 2rem; color: var(--muted); font-size: .9rem; }
@media print {
  body { padding: 0; font-size: 10pt; color: #000; }
  #controls, button.sort, #script-status { display: none !important; }
  tr[hidden] { display: table-row !important; }
  .scroll { overflow: visible; }
  h2 { break-after: avoid; }
  tr, figure, section.model { break-inside: avoid; }
  section.model { border: 0; border-top: 1px solid #999; border-radius: 0; padding: .5rem 0; }
  a { color: inherit; text-decoration: none; }
}
"#;
