namespace ZkmlProver.Quantize.Tests;

public class InputDataTests
{
    [Fact]
    public void Json_EzklLayout()
    {
        var d = InputData.ParseJson("""{"input_data": [[1, 2.5, -3], [0, 0, 1e-3]]}""", "in.json");
        Assert.Equal(2, d.Count);
        Assert.Equal([1f, 2.5f, -3f], d.Rows[0]);
        Assert.Null(d.Labels);
    }

    [Theory]
    [InlineData("""{"input_data": [[1, 2], [3]]}""", "row 2 has 1 values")]
    [InlineData("""{"input_data": [[1, "a"]]}""", "row 1, element 2")]
    [InlineData("""{"input_data": []}""", "no rows")]
    [InlineData("""{"data": [[1]]}""", "input_data")]
    [InlineData("""{"input_data": [[1e999]]}""", "not a finite")]
    [InlineData("""{"input_data": [[1,""", "invalid JSON")]
    public void Json_Errors(string text, string expected)
        => Assert.Contains(expected, Assert.Throws<QuantizeException>(() => InputData.ParseJson(text, "in.json")).Message);

    [Fact]
    public void Csv_IdAndLabelAreNotFeatures()
    {
        var d = InputData.ParseCsv("id,a,b,label\n7,1,2,0\n9,-1,0.5,1\n", "t.csv");
        Assert.Equal([1f, 2f], d.Rows[0]);
        Assert.Equal([0, 1], d.Labels);
        Assert.Equal(["7", "9"], d.Ids);
        Assert.Equal("row 2 (id 9)", d.RowName(1));
        var plain = InputData.ParseCsv("x,y\r\n1,2\r\n3,4\r\n", "t.csv");
        Assert.Equal([3f, 4f], plain.Rows[1]);
        Assert.Null(plain.Labels);
    }

    [Theory]
    [InlineData("a,b\n1,\n", "row 1 (line 2), column 'b': missing value")]
    [InlineData("a,b\n1,x\n", "row 1 (line 2), column 'b': 'x' is not a number")]
    [InlineData("a,b\n1,2\n1,NaN\n", "row 2 (line 3), column 'b'")]
    [InlineData("a,b\n1,2\nInfinity,2\n", "row 2 (line 3), column 'a'")]
    [InlineData("a,b\n1,2,3\n", "row 1 (line 2) has 3 columns, the header has 2")]
    [InlineData("a,b\n", "at least one data row")]
    [InlineData("a,label\n1,0.5\n", "not an integer")]
    public void Csv_Errors_NameLineAndColumn(string text, string expected)
        => Assert.Contains(expected, Assert.Throws<QuantizeException>(() => InputData.ParseCsv(text, "t.csv")).Message);

    [Fact]
    public void Load_ByExtension_AndMissingFile()
    {
        var d = InputData.Load(Repo.File("credit_mlp", "test.csv"));
        Assert.Equal(200, d.Count);
        Assert.Equal(59, d.Rows[0].Length);
        Assert.Equal(8, InputData.Load(Repo.File("credit_mlp", "input.json")).Count);
        Assert.Contains("cannot read", Assert.Throws<QuantizeException>(() => InputData.Load("/nonexistent/x.csv")).Message);
    }

    [Fact]
    public void Digits28_MatchesInputJsonOfTheMnistShapedModels()
    {
        // input.json holds the first 8 test rows, preprocessed by the corpus' PyTorch pipeline.
        var ours = Digits28.Load();
        var theirs = InputData.Load(Repo.File("mnist_mlp_shape", "input.json"));
        for (int r = 0; r < 8; r++)
            for (int i = 0; i < 784; i++)
                Assert.True(Math.Abs(ours.Rows[r][i] - theirs.Rows[r][i]) < 1e-6, $"row {r} element {i}: {ours.Rows[r][i]} vs {theirs.Rows[r][i]}");
    }
}
