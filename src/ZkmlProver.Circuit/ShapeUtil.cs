namespace ZkmlProver.Circuit;

/// <summary>Row-major shape helpers.</summary>
public static class ShapeUtil
{
    /// <summary>Product of the dimensions (1 for a scalar shape []); throws on overflow.</summary>
    public static int Size(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new CircuitFormatException($"negative dimension {d} in shape [{string.Join(",", shape.ToArray())}]");
            n *= d;
            if (n > int.MaxValue) throw new CircuitFormatException($"shape [{string.Join(",", shape.ToArray())}] has more than 2^31 elements");
        }
        return (int)n;
    }

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>"[a,b,c]".</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    /// <summary>ONNX (numpy) broadcast of two shapes, or null when incompatible.</summary>
    public static int[]? Broadcast(int[] a, int[] b)
    {
        int r = Math.Max(a.Length, b.Length);
        var o = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1;
            int db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            if (da == db || db == 1) o[i] = da;
            else if (da == 1) o[i] = db;
            else return null;
        }
        return o;
    }

    /// <summary>Strides of <paramref name="shape"/> seen through a broadcast to <paramref name="outShape"/>
    /// (0 on broadcast dimensions), aligned to the output rank.</summary>
    public static int[] BroadcastStrides(int[] shape, int[] outShape)
    {
        var own = Strides(shape);
        var s = new int[outShape.Length];
        int off = outShape.Length - shape.Length;
        for (int i = 0; i < outShape.Length; i++)
        {
            int j = i - off;
            s[i] = j < 0 || shape[j] == 1 ? 0 : own[j];
        }
        return s;
    }
}
