"""The report's stylesheet, inlined in the page: system fonts, sober colours, A4-friendly print rules.

No web font and no external sheet, so the page looks the same offline. For
print, the charts (drawn at screen width when the page loaded) are zoomed to
fit an A4 column, and charts, cards and table rows are kept whole across
page breaks.
"""

CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #e4e7eb; --soft: #f5f7fa; --accent: #1f3a5f;
        --ok: #2f7d4f; --warn: #b7791f; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font-size: 15px; line-height: 1.45;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 48px; }
header.report { border-bottom: 3px solid var(--accent); padding-bottom: 14px; }
h1 { font-size: 24px; margin: 0; color: var(--accent); }
.subtitle { color: var(--muted); margin: 2px 0 0; }
.status { font-size: 19px; font-weight: 600; line-height: 1.35; margin: 16px 0 8px; padding: 12px 16px;
          background: var(--soft); border-left: 6px solid var(--muted); }
.status.ahead { border-color: var(--ok); }
.status.within { border-color: var(--warn); }
.status.above { border-color: var(--bad); }
.why { margin: 0 0 6px; font-size: 16px; }
.alert { margin: 8px 0 0; padding: 8px 12px; border: 1px solid #f1c3bd; background: #fdf1ef; color: #7a1c14;
         border-radius: 4px; }
.notice { margin: 10px 0 0; padding: 6px 12px; border: 1px solid #ecd9a6; background: #fff8e6; border-radius: 4px;
          font-size: 14px; }
section { margin-top: 30px; }
h2 { font-size: 20px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h2 .number { color: var(--muted); }
h3 { font-size: 15px; margin: 18px 0 4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(185px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-top: 4px solid var(--muted); border-radius: 6px; padding: 10px 12px; }
.card.ok { border-top-color: var(--ok); }
.card.warn { border-top-color: var(--warn); }
.card.bad { border-top-color: var(--bad); }
.card .label { font-size: 14px; font-weight: 700; }
.card .scope { font-size: 12px; color: var(--muted); }
.card .value { font-size: 26px; font-weight: 700; margin: 6px 0 0; line-height: 1.15; white-space: nowrap; }
.card .unit { font-size: 12px; color: var(--muted); margin-bottom: 6px; }
.card ul { list-style: none; margin: 0; padding: 0; font-size: 13px; }
.card .alert { font-size: 12px; padding: 6px 8px; }
.badge { display: inline-block; margin-top: 8px; padding: 2px 8px; border-radius: 10px; font-size: 12px;
         font-weight: 600; background: var(--soft); color: var(--muted); }
.badge.ok { background: #e3f1e8; color: var(--ok); }
.badge.warn { background: #fbf0d9; color: #8a5a14; }
.badge.bad { background: #fbe4e1; color: var(--bad); }
figure.chart { margin: 10px 0 22px; }
figure.chart h3 { margin-top: 0; }
.reading { margin: 4px 0 0; padding-left: 10px; border-left: 3px solid var(--line); font-size: 14px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
table.compact { width: auto; min-width: 50%; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; background: var(--soft); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.id { white-space: nowrap; }
.id, .hash { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 12px; }
.hash { word-break: break-all; }
.detail { color: var(--muted); font-size: 12px; }
.note { color: var(--muted); font-size: 13px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 13px; margin: 6px 0; }
dt { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
dd { margin: 0; overflow-wrap: anywhere; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted);
         font-size: 12px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  figure.chart > div { zoom: 0.68; }
  figure.chart, .card, tr, .status { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"""
