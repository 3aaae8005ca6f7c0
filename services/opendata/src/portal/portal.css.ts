/**
 * The portal's one stylesheet, served from the service itself (no fonts or CDNs from elsewhere).
 * Colours keep a contrast of at least 4.5:1 (WCAG 2.1 AA) on white.
 */
export const PORTAL_CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; line-height: 1.5; color: #1b1b1b; background: #fff; }
body { margin: 0; }
a { color: #0b4f9c; }
a:focus, button:focus, input:focus, textarea:focus, [tabindex]:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: 1rem; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.site { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #0b3d6e; }
header.site a { color: #fff; }
header.site .brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
footer.site { border-top: 1px solid #ccc; padding: 1rem 1.5rem; color: #4a4a4a; }
h1 { font-size: 2rem; line-height: 1.2; margin: .5rem 0 1rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.1rem; margin: 1rem 0 .25rem; }
.lead { font-size: 1.15rem; color: #3a3a3a; }
.crumbs { font-size: .95rem; }
.searchbox { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 1rem 0 1.5rem; }
.searchbox label { width: 100%; font-weight: 600; }
.searchbox input { flex: 1 1 20rem; }
input, textarea { font: inherit; padding: .5rem; border: 1px solid #6b6b6b; border-radius: 4px; max-width: 100%; }
textarea { width: 100%; }
button, .button { font: inherit; display: inline-block; padding: .5rem 1rem; border: 2px solid #0b4f9c; border-radius: 4px; background: #0b4f9c; color: #fff; cursor: pointer; text-decoration: none; }
button.secondary { background: #fff; color: #0b4f9c; }
.columns { display: grid; grid-template-columns: minmax(12rem, 18rem) 1fr; gap: 2rem; }
@media (max-width: 48rem) { .columns { grid-template-columns: 1fr; } }
.facet { border: 1px solid #ccc; border-radius: 4px; margin: 0 0 1rem; padding: .5rem 1rem; }
.facet legend { font-weight: 600; padding: 0 .25rem; }
.facet ul, ol.results, ul.distributions, ul.feedback, ul.api { list-style: none; padding: 0; margin: 0; }
.facet li { margin: .25rem 0; }
.count { color: #4a4a4a; }
.result, .distribution, ul.feedback > li { border-bottom: 1px solid #ddd; padding: .75rem 0; }
.meta { color: #4a4a4a; font-size: .95rem; margin: .25rem 0; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; background: #e8eef5; color: #0b3d6e; font-size: .85rem; font-weight: 600; }
.badge.ok { background: #e3f1e6; color: #1d5a2c; }
.badge.warn { background: #fbe9e7; color: #8a1c0f; }
.paging { display: flex; gap: 1.5rem; margin: 1rem 0; }
table { border-collapse: collapse; }
.metadata th, .metadata td { text-align: left; vertical-align: top; padding: .4rem .75rem .4rem 0; border-bottom: 1px solid #e2e2e2; }
.metadata th { width: 14rem; }
.preview { overflow-x: auto; margin: .75rem 0 .25rem; border: 1px solid #ccc; }
.preview table { font-size: .9rem; }
.preview caption { text-align: left; font-weight: 600; padding: .5rem; }
.preview th, .preview td { padding: .3rem .6rem; border: 1px solid #ddd; white-space: pre; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.preview thead th { background: #f1f4f8; }
.note, .hint { color: #4a4a4a; font-size: .9rem; }
blockquote { margin: .5rem 0; padding-left: 1rem; border-left: 4px solid #ccc; }
.answer { margin-left: 1rem; padding: .5rem 1rem; background: #f3f7f3; border-left: 4px solid #1d5a2c; }
.field { margin: 1rem 0; }
.field label { display: block; font-weight: 600; }
.optional { font-weight: 400; color: #4a4a4a; }
.problem { color: #8a1c0f; font-weight: 600; margin: .25rem 0; }
[aria-invalid="true"] { border: 2px solid #8a1c0f; }
.alert { border: 2px solid #8a1c0f; background: #fdf3f2; padding: .5rem 1rem; border-radius: 4px; }
.confirm { border: 2px solid #1d5a2c; background: #f0f8f1; padding: .5rem 1rem; border-radius: 4px; }
`;
