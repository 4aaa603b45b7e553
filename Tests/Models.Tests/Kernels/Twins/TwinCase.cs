namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>One adversarial shape of one kernel: its outputs, its plain twin's outputs on the same inputs, and how close
/// they must be.</summary>
/// <param name="Shape">The shape in words, for the failure message.</param>
/// <param name="Fast">Runs the kernel on fresh copies of the inputs; every output starts as NaN, so one left unwritten fails.</param>
/// <param name="Twin">Runs the plain twin on the same inputs.</param>
public sealed record TwinCase(string Shape, Func<float[][]> Fast, Func<float[][]> Twin)
{
    /// <summary>Whether the kernel takes this shape at the width in force (its own <c>Suits</c>); null: always.</summary>
    public Func<bool>? Takes { get; init; }

    /// <summary>Allowed error per output, the last repeated for the rest; 0 means the same bits.</summary>
    public double[] Tolerances { get; init; } = [0];

    /// <summary>Σ of the absolute terms behind each output element (the twin run on absolute values), which the tolerance
    /// multiplies; without it the bound is tolerance·(1 + |twin|).</summary>
    public Func<float[][]>? Scale { get; init; }

    /// <summary>Names of the outputs, for the failure message.</summary>
    public string[] Outputs { get; init; } = [];

    /// <summary>The first element where <paramref name="fast"/> strays from <paramref name="twin"/> beyond the bound, or null.</summary>
    public string? Difference(float[][] twin, float[][] fast, float[][]? scale)
    {
        if (twin.Length != fast.Length) return $"{fast.Length} outputs, twin {twin.Length}";
        for (int o = 0; o < twin.Length; o++)
        {
            string name = o < Outputs.Length ? Outputs[o] : $"output {o}";
            if (twin[o].Length != fast[o].Length) return $"{name}: {fast[o].Length} values, twin {twin[o].Length}";
            double tolerance = Tolerances[Math.Min(o, Tolerances.Length - 1)];
            for (int i = 0; i < twin[o].Length; i++)
            {
                float t = twin[o][i], f = fast[o][i];
                bool same = tolerance == 0
                    ? BitConverter.SingleToInt32Bits(t) == BitConverter.SingleToInt32Bits(f)
                    : Math.Abs(f - t) <= tolerance * (scale is null ? 1 + Math.Abs(t) : scale[o][i]);
                if (!same) return $"{name}[{i}] = {f:R}, twin {t:R}{(tolerance == 0 ? " (not the same bits)" : $" (tolerance {tolerance:G2})")}";
            }
        }
        return null;
    }
}
