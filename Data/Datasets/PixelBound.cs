using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralPipelines.Data.Datasets;

/// <summary>The one bound on what counts as a pixel: a finite value beyond ±<see cref="Limit"/> read where a pixel (or an
/// image model's input value) belongs is damage or the wrong file, and is refused where it is read, naming it.</summary>
/// <remarks>Pixels here are bytes (0–255) scaled to [0, 1], or floats already on some such scale; normalised ones stay
/// within tens. 1e6 leaves four orders of magnitude of headroom over raw 16-bit intensities (65,535) and still refuses
/// the values that wreck training: 1e30 in an IDX file trains finite but runaway weights (then blamed on the learning
/// rate), and 3e38 overflows a first layer's sums to ±∞. Tabular features (CSV tables for regression and classic models)
/// have no such bound: a price or a population can be 1e9.</remarks>
public static class PixelBound
{
    public const double Limit = 1e6;

    /// <summary>The index of the first value beyond ±<see cref="Limit"/> (or not finite), or −1.</summary>
    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstOutside(ReadOnlySpan<float> values)
    {
        int i = 0;
        // Whole vectors first (a CSV or float IDX row is hundreds of values, nearly always all inside); the first vector
        // with a value outside (or a NaN, which no comparison passes) goes to the element loop, which names the index.
        // ±1e6 is exact in float, so the vector and the element comparisons draw the same line.
        if (Vector.IsHardwareAccelerated)
        {
            var limit = new Vector<float>((float)Limit);
            for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
                if (!Vector.LessThanOrEqualAll(Vector.Abs(new Vector<float>(values[i..])), limit)) break;
        }
        for (; i < values.Length; i++)
            if (!(Math.Abs(values[i]) <= Limit)) return i;
        return -1;
    }

    /// <summary>What is wrong with <paramref name="value"/>, for a message that has already named where it is.</summary>
    public static string Describe(double value) => double.IsFinite(value) && Math.Abs(value) <= float.MaxValue
        ? string.Create(CultureInfo.InvariantCulture, $"is {value:g4}, beyond ±{Limit:0e0}: not a pixel value (pixels are 0–255 or scaled to about [0, 1])")
        : string.Create(CultureInfo.InvariantCulture, $"is {value:g4}, beyond the range of the float32 values the trainer reads");
}
