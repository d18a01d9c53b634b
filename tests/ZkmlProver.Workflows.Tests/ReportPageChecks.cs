using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ZkmlProver.Workflows.Tests;

/// <summary>What a rendered report page must show: the verdict, some texts, and the tables with
/// their row counts (table id → rows).</summary>
internal sealed record PageExpectation(string Verdict, IReadOnlyList<string> Texts, IReadOnlyDictionary<string, int> TableRows);

/// <summary>
/// Checks of an HTML report: on the file as written (nothing external: no http(s) address, no
/// <c>src</c> that is not a data: URI, no stylesheet link) and on the DOM Chromium rendered (verdict,
/// texts, tables, images, and the order of rows after a <c>#sort=</c> fragment). Each check returns
/// the problems it found instead of asserting, so a test can also show that a broken page is caught.
/// </summary>
internal static partial class ReportPageChecks
{
    [GeneratedRegex("""<p class="verdict" id="verdict">(.*?)</p>""", RegexOptions.Singleline)]
    private static partial Regex VerdictElement();
    [GeneratedRegex(@"<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();
    [GeneratedRegex(@"<td([^>]*)>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();
    [GeneratedRegex("""data-sort="([^"]*)""")]
    private static partial Regex SortAttribute();
    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();
    [GeneratedRegex("""\s(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", RegexOptions.IgnoreCase)]
    private static partial Regex SourceAttribute();
    [GeneratedRegex("<script\\b.*?</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Script();
    [GeneratedRegex("""<img\b[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex Image();
    [GeneratedRegex(@"url\(\s*(?!['""]?data:)", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();

    /// <summary>Visible text of an HTML fragment (tags dropped, entities decoded, spaces collapsed).</summary>
    public static string Text(string html) => Regex.Replace(WebUtility.HtmlDecode(Tag().Replace(html, " ")), @"\s+", " ").Trim();

    /// <summary>The body rows of the table with id <paramref name="id"/>: each cell's sort key
    /// (its data-sort attribute, else its text); null when the table is not in the page.</summary>
    public static List<string[]>? TableRows(string dom, string id)
    {
        int start = dom.IndexOf($"<table class=\"sortable\" id=\"{id}\"", StringComparison.Ordinal);
        if (start < 0) return null;
        int bodyStart = dom.IndexOf("<tbody>", start, StringComparison.Ordinal), end = dom.IndexOf("</table>", start, StringComparison.Ordinal);
        if (bodyStart < 0 || end < bodyStart) return null;
        return Row().Matches(dom[bodyStart..end]).Select(r => Cell().Matches(r.Groups[1].Value)
            .Select(c => SortAttribute().Match(c.Groups[1].Value) is { Success: true } s ? WebUtility.HtmlDecode(s.Groups[1].Value) : Text(c.Groups[2].Value)).ToArray()).ToList();
    }

    /// <summary>References to anything outside the file as written (the page must load with no network and no other file).</summary>
    public static IEnumerable<string> ExternalReferences(string html)
    {
        foreach (var scheme in new[] { "http://", "https://" })
            if (html.Contains(scheme, StringComparison.OrdinalIgnoreCase)) yield return $"the page contains an address {scheme}…";
        // src/href attributes of the page's tags (outside scripts, whose comparisons look like tags).
        foreach (Match tag in Tag().Matches(Script().Replace(html, "")))
            foreach (Match a in SourceAttribute().Matches(tag.Value))
                if (string.Concat(a.Groups[2].Value, a.Groups[3].Value, a.Groups[4].Value) is var v && !v.StartsWith("data:", StringComparison.Ordinal))
                    yield return $"{a.Groups[1].Value.ToLowerInvariant()}=\"{v}\" is not a data: URI";
        if (html.Contains("<link", StringComparison.OrdinalIgnoreCase)) yield return "the page links a stylesheet or other resource (<link>)";
        if (CssUrl().IsMatch(html)) yield return "the styles load a url() that is not a data: URI";
    }

    /// <summary>Problems of the rendered page against what it must show.</summary>
    public static List<string> PageProblems(string html, string dom, PageExpectation expected)
    {
        var problems = ExternalReferences(html).Concat(ExternalReferences(dom).Select(p => "rendered: " + p)).ToList();
        var verdict = VerdictElement().Match(dom);
        if (!verdict.Success) problems.Add("no verdict (<p id=\"verdict\">) in the rendered page");
        else if (!Text(verdict.Groups[1].Value).Contains(expected.Verdict, StringComparison.Ordinal))
            problems.Add($"verdict is '{Text(verdict.Groups[1].Value)}', expected it to contain '{expected.Verdict}'");
        string text = Text(dom);
        foreach (var t in expected.Texts.Where(t => !text.Contains(t, StringComparison.Ordinal))) problems.Add($"the rendered text lacks '{t}'");
        foreach (var (id, rows) in expected.TableRows)
        {
            var table = TableRows(dom, id);
            if (table is null) problems.Add($"no table '{id}'");
            else if (table.Count != rows) problems.Add($"table '{id}' has {table.Count} rows, expected {rows}");
        }
        var images = Image().Matches(dom).Select(m => m.Value).ToList();
        if (images.Count == 0) problems.Add("no chart (<img>) in the page");
        foreach (var img in images.Where(i => !i.Contains("src=\"data:image/png;base64,", StringComparison.Ordinal)))
            problems.Add($"image is not an inline PNG: {img[..Math.Min(80, img.Length)]}");
        return problems;
    }

    /// <summary>Problems of a page rendered with <c>#sort=[-]key</c>: the table must say it is sorted by
    /// that key, its column <paramref name="column"/> must be in order (numbers as numbers), and the
    /// order must differ from <paramref name="unsorted"/> (the rows as written).</summary>
    public static List<string> SortProblems(string sortedDom, string tableId, string key, int column, bool descending, bool numeric, List<string[]> unsorted)
    {
        var problems = new List<string>();
        string expectedMark = $"data-sorted-by=\"{(descending ? "-" : "")}{key}\"";
        if (!Regex.IsMatch(sortedDom, $"<table[^>]*id=\"{tableId}\"[^>]*{Regex.Escape(expectedMark)}|<table[^>]*{Regex.Escape(expectedMark)}[^>]*id=\"{tableId}\""))
            problems.Add($"table '{tableId}' was not sorted by the page script ({expectedMark} missing)");
        var rows = TableRows(sortedDom, tableId);
        if (rows is null) { problems.Add($"no table '{tableId}' after sorting"); return problems; }
        var values = rows.Select(r => r[column]).ToList();
        for (int i = 1; i < values.Count; i++)
        {
            int c = numeric ? double.Parse(values[i - 1], CultureInfo.InvariantCulture).CompareTo(double.Parse(values[i], CultureInfo.InvariantCulture))
                            : string.CompareOrdinal(values[i - 1], values[i]);
            if (descending ? c < 0 : c > 0) { problems.Add($"rows {i} and {i + 1} of '{tableId}' are out of order: {values[i - 1]}, {values[i]}"); break; }
        }
        if (rows.Select(r => string.Join('|', r)).SequenceEqual(unsorted.Select(r => string.Join('|', r))))
            problems.Add($"sorting by '{key}' left the rows of '{tableId}' in their written order");
        if (rows.Count != unsorted.Count) problems.Add($"sorting changed the number of rows of '{tableId}' ({unsorted.Count} → {rows.Count})");
        return problems;
    }
}
