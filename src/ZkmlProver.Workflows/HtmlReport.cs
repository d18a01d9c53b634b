using System.Net;
using System.Text;
using ZkmlProver.Circuit;

namespace ZkmlProver.Workflows;

/// <summary>A column of an <see cref="HtmlReport"/> table. <paramref name="Key"/> names it in the
/// page's <c>#sort=&lt;key&gt;</c> fragment; <paramref name="Numeric"/> columns sort by number.</summary>
public sealed record HtmlColumn(string Key, string Header, bool Numeric = false);

/// <summary>A table cell: the text shown, an optional sort key (when the text does not sort by
/// itself, e.g. "rows 11–20") and an optional CSS class (<c>good</c>, <c>bad</c>, <c>mono</c>).</summary>
public sealed record HtmlCell(string Text, string? SortKey = null, string? Class = null)
{
    public static implicit operator HtmlCell(string text) => new(text);
}

/// <summary>
/// Writer of the self-contained HTML reports (<c>zkml audit --report r.html</c>, the credit demo's
/// report.html): one file with the styles inline, the charts as base64 PNG <c>data:</c> URIs and a
/// small inline script that sorts a table when its header is clicked — nothing is fetched from the
/// network, so the page opens the same offline, from an archive or as a mail attachment.
/// </summary>
/// <remarks>Every text given to the builder is HTML-escaped here, once: callers pass file names and
/// problem messages read from untrusted files as they are. Sorting can also be chosen in the URL:
/// <c>report.html#sort=proven</c> (ascending) or <c>#sort=-proven</c> (descending) sorts the first
/// table with a column of that key, which is how the tests check the script.</remarks>
public sealed class HtmlReport(string title)
{
    readonly StringBuilder body = new();
    string banner = "", footer = "";

    static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The banner at the top: PASSED/FAILED (green/red), a headline and a line of detail.</summary>
    public HtmlReport Verdict(bool passed, string headline, string detail)
    {
        banner = $"<header class=\"banner {(passed ? "pass" : "fail")}\"><h1>{E(title)}</h1>" +
                 $"<p class=\"verdict\" id=\"verdict\"><span class=\"badge\">{(passed ? "PASSED" : "FAILED")}</span> {E(headline)}</p>" +
                 $"<p class=\"detail\">{E(detail)}</p></header>\n";
        return this;
    }

    /// <summary>A row of summary counts (large value, small label under it), e.g. ("proofs verified", "4/4").</summary>
    public HtmlReport Summary(IEnumerable<(string Label, string Value, bool? Good)> items)
    {
        body.Append("<section class=\"cards\" id=\"summary\">");
        foreach (var (label, value, good) in items)
            body.Append($"<div class=\"card{(good is { } g ? g ? " good" : " bad" : "")}\"><div class=\"value\">{E(value)}</div><div class=\"label\">{E(label)}</div></div>");
        body.Append("</section>\n");
        return this;
    }

    /// <summary>A heading with an optional paragraph under it.</summary>
    public HtmlReport Section(string heading, string? text = null, string? id = null)
    {
        body.Append($"<h2{(id is null ? "" : $" id=\"{E(id)}\"")}>{E(heading)}</h2>");
        if (text is not null) body.Append($"<p>{E(text)}</p>");
        body.Append('\n');
        return this;
    }

    /// <summary>Label/value pairs (digests, times); values shown in a monospace face when <paramref name="mono"/>.</summary>
    public HtmlReport Facts(IEnumerable<(string Label, string Value)> items, bool mono = false)
    {
        body.Append("<dl class=\"facts\">");
        foreach (var (label, value) in items)
            body.Append($"<dt>{E(label)}</dt><dd{(mono ? " class=\"mono\"" : "")}>{E(value)}</dd>");
        body.Append("</dl>\n");
        return this;
    }

    /// <summary>Charts side by side, each a PNG embedded as a data: URI.</summary>
    public HtmlReport Images(IEnumerable<(string Caption, byte[] Png)> images)
    {
        body.Append("<section class=\"charts\">");
        foreach (var (caption, png) in images)
            body.Append($"<figure><img alt=\"{E(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{E(caption)}</figcaption></figure>");
        body.Append("</section>\n");
        return this;
    }

    /// <summary>A table sortable by clicking a column header; <paramref name="rowClass"/> may mark rows
    /// (e.g. <c>bad</c> for a rejected proof). An empty table shows <paramref name="emptyText"/> instead.</summary>
    public HtmlReport Table(string id, IReadOnlyList<HtmlColumn> columns, IEnumerable<IReadOnlyList<HtmlCell>> rows,
        string emptyText = "none", Func<int, string?>? rowClass = null)
    {
        var list = rows.ToList();
        if (list.Count == 0) { body.Append($"<p class=\"empty\" id=\"{E(id)}\">{E(emptyText)}</p>\n"); return this; }
        body.Append($"<div class=\"scroll\"><table class=\"sortable\" id=\"{E(id)}\"><thead><tr>");
        foreach (var c in columns)
            body.Append($"<th data-key=\"{E(c.Key)}\"{(c.Numeric ? " data-type=\"num\" class=\"num\"" : "")} title=\"click to sort\">{E(c.Header)}</th>");
        body.Append("</tr></thead><tbody>\n");
        for (int r = 0; r < list.Count; r++)
        {
            body.Append(rowClass?.Invoke(r) is { } rc ? $"<tr class=\"{E(rc)}\">" : "<tr>");
            for (int c = 0; c < list[r].Count; c++)
            {
                var cell = list[r][c];
                string cls = string.Join(' ', new[] { c < columns.Count && columns[c].Numeric ? "num" : null, cell.Class }.Where(x => x is not null));
                body.Append("<td").Append(cls.Length > 0 ? $" class=\"{E(cls)}\"" : "").Append(cell.SortKey is null ? "" : $" data-sort=\"{E(cell.SortKey)}\"")
                    .Append('>').Append(E(cell.Text)).Append("</td>");
            }
            body.Append("</tr>\n");
        }
        body.Append("</tbody></table></div>\n");
        return this;
    }

    /// <summary>A small print at the bottom of the page.</summary>
    public HtmlReport Footer(string text)
    {
        footer = $"<footer>{E(text)}</footer>\n";
        return this;
    }

    /// <summary>The whole page.</summary>
    public string ToHtml() =>
        $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{E(title)}</title>\n<style>{Style}</style></head>\n<body>\n{banner}<main>\n{body}</main>\n{footer}<script>{SortScript}</script>\n</body></html>\n";

    /// <summary>Writes the page to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToHtml()));

    const string Style = """
        :root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#f5f7fa; --good:#1e7b4f; --bad:#b3261e; }
        * { box-sizing:border-box; }
        body { margin:0; font:15px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color:var(--ink); background:var(--bg); }
        .banner { padding:28px 40px 22px; color:#fff; }
        .banner.pass { background:linear-gradient(90deg, #1e7b4f, #2f9e6a); }
        .banner.fail { background:linear-gradient(90deg, #9b1c17, #c8433a); }
        .banner h1 { margin:0 0 8px; font-size:24px; font-weight:600; word-break:break-all; }
        .verdict { margin:0; font-size:19px; }
        .badge { display:inline-block; padding:2px 12px; margin-right:8px; border-radius:4px; background:rgba(255,255,255,.22); font-weight:700; letter-spacing:.05em; }
        .detail { margin:6px 0 0; opacity:.92; }
        main { max-width:1200px; margin:0 auto; padding:8px 40px 32px; }
        h2 { margin:32px 0 10px; font-size:18px; border-bottom:1px solid var(--line); padding-bottom:4px; }
        .cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(140px, 1fr)); gap:12px; margin-top:20px; }
        .card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px; }
        .card .value { font-size:22px; font-weight:600; white-space:nowrap; }
        .card .label { color:var(--muted); font-size:13px; }
        .card.good .value { color:var(--good); } .card.bad .value { color:var(--bad); }
        .facts { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; }
        .facts dt { color:var(--muted); } .facts dd { margin:0; word-break:break-all; }
        .mono, td.mono { font-family:"DejaVu Sans Mono", Consolas, monospace; font-size:13px; }
        td.mono { white-space:nowrap; }
        .charts { display:flex; flex-wrap:wrap; gap:16px; }
        figure { flex:1 1 460px; margin:0; background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px; text-align:center; }
        figure img { max-width:100%; height:auto; }
        figcaption { color:var(--muted); font-size:13px; }
        .scroll { overflow-x:auto; }
        table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
        th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
        th { background:#eef2f6; cursor:pointer; user-select:none; white-space:nowrap; position:sticky; top:0; }
        th:hover { background:#e1e8f0; }
        th[aria-sort=ascending]::after { content:" \25B2"; font-size:11px; }
        th[aria-sort=descending]::after { content:" \25BC"; font-size:11px; }
        .num { text-align:right; font-variant-numeric:tabular-nums; }
        tbody tr:nth-child(even) { background:#f9fbfc; }
        tr.bad td { background:#fdecea; }
        td.good { color:var(--good); font-weight:600; } td.bad { color:var(--bad); font-weight:600; }
        .empty { color:var(--muted); font-style:italic; }
        footer { color:var(--muted); font-size:12px; text-align:center; padding:16px; }
        """;

    // Sorts a table's body by one column (numbers as numbers, text with digits compared numerically);
    // clicking a header toggles ascending/descending; #sort=<key> or #sort=-<key> in the URL sorts on load.
    const string SortScript = """
        (function () {
          function value(td, numeric) {
            var v = td.hasAttribute('data-sort') ? td.getAttribute('data-sort') : td.textContent.trim();
            if (!numeric) return v;
            var n = parseFloat(v);
            return isNaN(n) ? -Infinity : n;
          }
          function sortBy(th, descending) {
            var table = th.closest('table'), col = th.cellIndex, numeric = th.getAttribute('data-type') === 'num';
            var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = value(a.cells[col], numeric), y = value(b.cells[col], numeric);
              var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : String(x).localeCompare(String(y), undefined, { numeric: true });
              return descending ? -c : c;
            });
            rows.forEach(function (r) { body.appendChild(r); });
            Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute('aria-sort'); });
            th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
            table.setAttribute('data-sorted-by', (descending ? '-' : '') + th.getAttribute('data-key'));
          }
          function fromHash() {
            var m = /(?:^#|&)sort=(-?)([^&]+)/.exec(location.hash);
            if (!m) return;
            var th = document.querySelector('table.sortable th[data-key="' + decodeURIComponent(m[2]).replace(/["\\]/g, '') + '"]');
            if (th) sortBy(th, m[1] === '-');
          }
          document.querySelectorAll('table.sortable th').forEach(function (th) {
            th.addEventListener('click', function () { sortBy(th, th.getAttribute('aria-sort') === 'ascending'); });
          });
          fromHash();
          window.addEventListener('hashchange', fromHash);
        })();
        """;
}
