using ScottPlot;

namespace ZkmlProver.Workflows;

/// <summary>PNG charts for the reports (ScottPlot, headless; sans font set explicitly because the
/// machine's default resolves to a serif face). Each returns the PNG bytes, so a caller can both
/// write the file and embed the same image in an HTML page.</summary>
public static class Charts
{
    const int Width = 720, Height = 420;

    static Plot NewPlot(string title, string x, string y)
    {
        var plt = new Plot();
        plt.Font.Set("DejaVu Sans");
        plt.Title(title);
        plt.XLabel(x);
        plt.YLabel(y);
        return plt;
    }

    static byte[] Png(Plot plt) => plt.GetImageBytes(Width, Height, ImageFormat.Png);

    /// <summary>Counts of <paramref name="values"/> in <paramref name="bins"/> equal bins over [lo, hi]
    /// (a value equal to <paramref name="hi"/> falls in the last bin; values outside are clamped).</summary>
    public static int[] Histogram(IEnumerable<double> values, double lo, double hi, int bins)
    {
        var counts = new int[bins];
        foreach (var v in values)
        {
            int b = (int)Math.Floor((v - lo) / (hi - lo) * bins);
            counts[Math.Clamp(b, 0, bins - 1)]++;
        }
        return counts;
    }

    /// <summary>Stacked histogram of scores in [0, 1] in 20 bins, one series per group, with a vertical threshold line.</summary>
    public static byte[] ScoreHistogram(string title, IReadOnlyList<(string Label, double[] Scores)> groups, double threshold)
    {
        var plt = NewPlot(title, "score", "applicants");
        const int bins = 20;
        var colors = new[] { Colors.SeaGreen, Colors.IndianRed, Colors.SteelBlue, Colors.Orange };
        var baseCounts = new double[bins];
        for (int g = 0; g < groups.Count; g++)
        {
            var counts = Histogram(groups[g].Scores, 0, 1, bins);
            var bars = new List<Bar>();
            for (int i = 0; i < bins; i++)
            {
                bars.Add(new Bar
                {
                    Position = (i + 0.5) / bins, ValueBase = baseCounts[i], Value = baseCounts[i] + counts[i], Size = 1.0 / bins * 0.9,
                    FillColor = colors[g % colors.Length], LineWidth = 0,
                });
                baseCounts[i] += counts[i];
            }
            var bp = plt.Add.Bars(bars);
            bp.LegendText = $"{groups[g].Label} ({groups[g].Scores.Length})";
        }
        var line = plt.Add.VerticalLine(threshold);
        line.LegendText = $"threshold {threshold}";
        line.LineColor = Colors.Black;
        line.LinePattern = LinePattern.Dashed;
        plt.Axes.SetLimitsX(0, 1);
        plt.Axes.Margins(bottom: 0);
        plt.ShowLegend();
        plt.Legend.Alignment = Alignment.UpperCenter;
        return Png(plt);
    }

    /// <summary>Horizontal-label bar chart (e.g. timings in ms); bars flagged in <paramref name="flagged"/>
    /// are drawn red (e.g. rejected proofs). Beyond 24 bars only every n-th is labelled, so labels stay legible.</summary>
    public static byte[] BarChart(string title, string yLabel, IReadOnlyList<(string Label, double Value)> items, IReadOnlyList<bool>? flagged = null)
    {
        var plt = NewPlot(title, "", yLabel);
        bool few = items.Count <= 24;
        var bars = items.Select((it, i) => new Bar
        {
            Position = i, Value = it.Value, FillColor = flagged is not null && flagged[i] ? Colors.IndianRed : Colors.SteelBlue,
            Label = few ? $"{it.Value:0.#}" : "", Size = 0.6,
        }).ToList();
        var bp = plt.Add.Bars(bars);
        bp.ValueLabelStyle.FontSize = 12;
        int every = few ? 1 : (items.Count + 11) / 12;
        var ticks = Enumerable.Range(0, items.Count).Where(i => i % every == 0).ToArray();
        plt.Axes.Bottom.SetTicks(ticks.Select(i => (double)i).ToArray(), ticks.Select(i => items[i].Label).ToArray());
        plt.Axes.Margins(bottom: 0);
        return Png(plt);
    }

    /// <summary>Scatter of labelled points (one marker per point, label next to it), with a horizontal reference line.</summary>
    public static byte[] LabelledScatter(string title, string xLabel, string yLabel, IReadOnlyList<(string Label, double X, double Y)> points, double? yLine = null)
    {
        var plt = NewPlot(title, xLabel, yLabel);
        foreach (var p in points)
        {
            var s = plt.Add.Scatter(new[] { p.X }, new[] { p.Y });
            s.MarkerSize = 10;
            var t = plt.Add.Text(p.Label, p.X, p.Y);
            t.LabelFontSize = 12;
            t.OffsetX = 8;
        }
        if (yLine is { } y)
        {
            var l = plt.Add.HorizontalLine(y);
            l.LinePattern = LinePattern.Dashed;
            l.LineColor = Colors.Gray;
            l.LegendText = $"bar {y} %";
        }
        plt.Axes.Margins(0.4, 0.15);
        return Png(plt);
    }
}
