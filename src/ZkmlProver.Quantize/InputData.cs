using System.Globalization;
using System.Text.Json;

namespace ZkmlProver.Quantize;

/// <summary>
/// Rows of model inputs (calibration or evaluation data), each one flattened sample, with optional
/// labels and ids. Read from EZKL-style JSON <c>{"input_data": [[...], ...]}</c> (each inner list
/// one flattened sample) or CSV (header row; columns named <c>id</c> and <c>label</c> are not
/// features; every other column is a feature, in file order).
/// </summary>
public sealed class InputData
{
    /// <summary>Creates a data set (rows are not copied).</summary>
    public InputData(string source, IReadOnlyList<float[]> rows, IReadOnlyList<int>? labels = null, IReadOnlyList<string>? ids = null)
    {
        Source = source; Rows = rows; Labels = labels; Ids = ids;
    }

    /// <summary>Where the data came from (file path), for messages.</summary>
    public string Source { get; }
    /// <summary>The samples, each flattened row-major.</summary>
    public IReadOnlyList<float[]> Rows { get; }
    /// <summary>Integer labels (CSV <c>label</c> column), or null.</summary>
    public IReadOnlyList<int>? Labels { get; }
    /// <summary>Row ids (CSV <c>id</c> column), or null.</summary>
    public IReadOnlyList<string>? Ids { get; }
    /// <summary>Number of rows.</summary>
    public int Count => Rows.Count;

    /// <summary>How to name row i in messages ("row 12 (id 345)"). Rows are 1-based data rows.</summary>
    public string RowName(int i) => Ids is null ? $"row {i + 1}" : $"row {i + 1} (id {Ids[i]})";

    /// <summary>Rows [start, start+count).</summary>
    public InputData Slice(int start, int count) => new(Source,
        Rows.Skip(start).Take(count).ToList(), Labels?.Skip(start).Take(count).ToList(), Ids?.Skip(start).Take(count).ToList());

    /// <summary>Loads a .json (EZKL input.json) or .csv file (by extension; otherwise by content).</summary>
    public static InputData Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        { throw new QuantizeException($"{path}: cannot read data file: {e.Message}", e); }
        bool json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || (!path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && text.TrimStart().StartsWith('{'));
        return json ? ParseJson(text, path) : ParseCsv(text, path);
    }

    /// <summary>Parses EZKL-style JSON: <c>{"input_data": [[...], ...]}</c>.</summary>
    public static InputData ParseJson(string text, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new QuantizeException($"{source}: invalid JSON: {e.Message}", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("input_data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new QuantizeException($"{source}: expected an object with an \"input_data\" array of rows");
            var rows = new List<float[]>();
            int r = 0;
            foreach (var row in data.EnumerateArray())
            {
                r++;
                if (row.ValueKind != JsonValueKind.Array) throw new QuantizeException($"{source}: input_data row {r} is not an array");
                var v = new float[row.GetArrayLength()];
                int c = 0;
                foreach (var cell in row.EnumerateArray())
                {
                    c++;
                    if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetDouble(out double d))
                        throw new QuantizeException($"{source}: input_data row {r}, element {c}: not a number ({cell.GetRawText()})");
                    float f = (float)d;
                    if (!float.IsFinite(f)) throw new QuantizeException($"{source}: input_data row {r}, element {c}: {d} is not a finite float");
                    v[c - 1] = f;
                }
                if (rows.Count > 0 && v.Length != rows[0].Length)
                    throw new QuantizeException($"{source}: input_data row {r} has {v.Length} values, row 1 has {rows[0].Length}");
                rows.Add(v);
            }
            if (rows.Count == 0) throw new QuantizeException($"{source}: input_data has no rows");
            return new InputData(source, rows);
        }
    }

    /// <summary>Parses CSV with a header row (comma separated, no quoting needed for numbers).</summary>
    public static InputData ParseCsv(string text, string source)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count < 2) throw new QuantizeException($"{source}: CSV needs a header row and at least one data row");
        var header = lines[0].Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        int idCol = Array.FindIndex(header, h => h.Equals("id", StringComparison.OrdinalIgnoreCase));
        int labelCol = Array.FindIndex(header, h => h.Equals("label", StringComparison.OrdinalIgnoreCase));
        var features = Enumerable.Range(0, header.Length).Where(i => i != idCol && i != labelCol).ToArray();
        if (features.Length == 0) throw new QuantizeException($"{source}: CSV has no feature columns");
        var rows = new List<float[]>(); var labels = labelCol >= 0 ? new List<int>() : null; var ids = idCol >= 0 ? new List<string>() : null;
        for (int li = 1; li < lines.Count; li++)
        {
            int line = li + 1;
            string where = $"row {li} (line {line})";
            if (lines[li].Trim().Length == 0) throw new QuantizeException($"{source}: {where} is empty");
            var cells = lines[li].Split(',');
            if (cells.Length != header.Length)
                throw new QuantizeException($"{source}: {where} has {cells.Length} columns, the header has {header.Length}");
            var v = new float[features.Length];
            for (int j = 0; j < features.Length; j++)
                v[j] = Cell(cells[features[j]], source, where, header[features[j]]);
            rows.Add(v);
            if (labels is not null)
            {
                string lc = cells[labelCol].Trim();
                if (!int.TryParse(lc, NumberStyles.Integer, CultureInfo.InvariantCulture, out int lab))
                {
                    float lf = Cell(lc, source, where, header[labelCol]);
                    if (lf != MathF.Floor(lf)) throw new QuantizeException($"{source}: {where}, column '{header[labelCol]}': label '{lc}' is not an integer");
                    lab = (int)lf;
                }
                labels.Add(lab);
            }
            ids?.Add(cells[idCol].Trim());
        }
        return new InputData(source, rows, labels, ids);
    }

    static float Cell(string raw, string source, string where, string column)
    {
        string s = raw.Trim().Trim('"');
        if (s.Length == 0) throw new QuantizeException($"{source}: {where}, column '{column}': missing value");
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            throw new QuantizeException($"{source}: {where}, column '{column}': '{s}' is not a number");
        float f = (float)d;
        if (!float.IsFinite(f)) throw new QuantizeException($"{source}: {where}, column '{column}': {s} is not a finite number (NaN/Inf not allowed)");
        return f;
    }
}
