/**
 * The dashboard's stylesheet and script, served as files (routes/assets.ts) so that the pages' Content
 * Security Policy allows no inline style or script at all.
 */
export const DASHBOARD_CSS = `
:root{--ink:#1d2430;--muted:#5b6677;--line:#e1e5ec;--bg:#f6f7f9;--card:#fff;--ok:#16794c;--bad:#b42318;--warn:#a15c07;--accent:#2f5fd0}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{display:flex;align-items:center;gap:16px;padding:12px 24px;background:#1d2430;color:#fff}
header h1{font-size:16px;margin:0;font-weight:600}header nav{margin-left:auto;display:flex;gap:14px;align-items:center}
header a{color:#cfd8ea;text-decoration:none}header a:hover{color:#fff}
main{max-width:1200px;margin:0 auto;padding:20px 24px 48px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}
section.card h2{font-size:15px;margin:0 0 10px}section.wide{grid-column:1/-1}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.muted{color:var(--muted)}
.pill.ok{background:#e3f4ea}.pill.bad{background:#fde8e6}.pill.warn{background:#fdf0dc}.pill.muted{background:#eef0f4}
.figure{font-size:26px;font-weight:600}.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
progress.bar{width:100%;height:10px;accent-color:var(--accent)}
button,input[type=submit]{font:inherit;padding:4px 12px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.link{background:none;border:none;color:#cfd8ea;padding:0}
input[type=password],input[type=text]{font:inherit;padding:6px 8px;border:1px solid var(--line);border-radius:6px;width:100%}
.notice{padding:8px 12px;border-radius:6px;margin-bottom:14px;background:#e8effd;border:1px solid #c9d8fb}
.notice.bad{background:#fde8e6;border-color:#f5c2bc}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:#f1f3f7;padding:8px;border-radius:6px;overflow:auto;max-height:320px}
ul.problems{margin:0;padding-left:18px}
form.inline{margin:0}form.inline-row{margin:0;display:flex;gap:6px}form.resume{margin:6px 0 0}form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:0 0 12px}section.bare{padding:0;border:none;background:none}
section.login{max-width:420px;margin:40px auto}section.erasure-result{max-width:640px;margin:0 auto}section.spaced{margin-top:16px}.pre-line{white-space:pre-line}svg.chart{max-width:640px}
.method{display:inline-block;min-width:48px;font-weight:700;font-size:12px}.method.get{color:#16794c}.method.post{color:#2f5fd0}.method.put{color:#a15c07}
`

/**
 * Forms that ask before they act: `<form data-confirm="Revoke this session?">`. Without the script (or with
 * the confirmation refused) nothing else changes: every form works as plain HTML.
 */
export const DASHBOARD_JS = `'use strict'
document.addEventListener('submit', function (event) {
  var form = event.target
  var question = form && form.getAttribute && form.getAttribute('data-confirm')
  if (question && !window.confirm(question)) event.preventDefault()
})
`

/** Changes with their content: the pages link `?v=<this>`, so a deploy never meets a stale cached copy. */
export const ASSETS_VERSION = fnv1a(DASHBOARD_CSS + DASHBOARD_JS)

function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(36)
}
