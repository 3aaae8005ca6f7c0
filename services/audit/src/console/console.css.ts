/**
 * The console's one stylesheet, served by the service itself (the pages allow no inline style or
 * script). Colours keep a contrast of at least 4.5:1 (WCAG 2.1 AA) on white.
 */
export const CONSOLE_CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; line-height: 1.45; color: #1b1b1b; background: #fff; }
body { margin: 0; }
a { color: #0b4f9c; }
a:focus, button:focus, input:focus, textarea:focus, select:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: 1rem; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.site { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem 1rem; padding: .5rem 1.5rem; background: #1f2d3d; color: #fff; }
header.site a, header.site .who { color: #fff; }
header.site .brand { font-weight: 700; text-decoration: none; }
nav.sections ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav.sections a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header.site form { display: inline; }
header.site button { background: #fff; color: #1f2d3d; border-color: #fff; padding: .2rem .6rem; }
main { max-width: 80rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.75rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.3rem; margin: 1.75rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid #ddd; }
thead th { background: #f1f4f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; word-break: break-all; }
input, textarea, select { font: inherit; padding: .4rem; border: 1px solid #6b6b6b; border-radius: 4px; max-width: 100%; }
button { font: inherit; padding: .4rem .9rem; border: 2px solid #0b4f9c; border-radius: 4px; background: #0b4f9c; color: #fff; cursor: pointer; }
button.danger { background: #fff; color: #8a1c0f; border-color: #8a1c0f; }
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin: .5rem 0 1rem; }
.search label { width: 100%; font-weight: 600; }
.search input { flex: 1 1 24rem; }
.field { margin: .5rem 0; }
.field label { display: block; font-weight: 600; }
.hint, .meta { color: #4a4a4a; font-size: .9rem; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85rem; font-weight: 600; background: #e8eef5; color: #0b3d6e; }
.badge.ok { background: #e3f1e6; color: #1d5a2c; }
.badge.bad { background: #fbe9e7; color: #8a1c0f; }
.alert { border: 2px solid #8a1c0f; background: #fdf3f2; padding: .5rem 1rem; border-radius: 4px; }
.confirm { border: 2px solid #1d5a2c; background: #f0f8f1; padding: .5rem 1rem; border-radius: 4px; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; }
@media (max-width: 64rem) { .columns { grid-template-columns: 1fr; } }
.letter { border: 1px solid #ccc; border-radius: 4px; padding: .5rem 1rem; margin: 0 0 1rem; }
.letter pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: .5rem; max-height: 12rem; overflow: auto; }
.actions { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }
.bar { width: 100%; height: 1rem; display: block; }
.bar rect.track { fill: #eef1f4; }
.bar rect.span { fill: #0b4f9c; }
.bar rect.orphan { fill: #8a1c0f; }
.depth-0 { padding-left: .6rem; } .depth-1 { padding-left: 1.4rem; } .depth-2 { padding-left: 2.2rem; } .depth-3 { padding-left: 3rem; } .depth-deep { padding-left: 3.8rem; }
.days td { padding: .2rem .3rem; }
`;
