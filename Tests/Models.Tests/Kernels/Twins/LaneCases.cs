using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>Elementwise kernels (one value per lane): every length around the vector widths (7, 8, 9; 15, 16, 17; …), an
/// empty one, and one past two <see cref="Elementwise"/> chunks; the same bits as the twin, as each such kernel promises.</summary>
public static class LaneCases
{
    public static readonly int[] Lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 784, 1003, 2 * Elementwise.Chunk + 5];

    /// <summary><paramref name="inputs"/> arrays of each length, input i shifted by −0.25·(i + 1); <paramref name="fast"/> and
    /// <paramref name="twin"/> get their own copies and return their outputs.</summary>
    public static IEnumerable<TwinCase> Sweep(int inputs, Func<float[][], float[][]> fast, Func<float[][], float[][]> twin, params string[] outputs)
    {
        foreach (int n in Lengths)
        {
            var x = Enumerable.Range(0, inputs).Select(i => TwinData.Pixels(n, 977 * i, -0.25f * (i + 1))).ToArray();
            yield return new TwinCase($"length {n}", () => fast(TwinData.Copy(x)), () => twin(TwinData.Copy(x))) { Outputs = outputs };
        }
    }
}
