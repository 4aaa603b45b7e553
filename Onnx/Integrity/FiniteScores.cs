using System.Runtime.CompilerServices;

namespace NeuralPipelines.Onnx.Integrity;

/// <summary>Refuses scores that overflowed to ±∞ or became NaN: a row of inputs near float32's limits (3e38, say) can make a
/// finite model answer ∞, which written into a predictions file reads as a result.</summary>
public static class FiniteScores
{
    /// <summary>Throws when any of <paramref name="scores"/> (rows of <paramref name="width"/> values, the first being row
    /// <paramref name="firstRow"/> of <paramref name="data"/>) is not finite, naming the model, the data and the row.</summary>
    /// <exception cref="InvalidDataException">A NaN or ±∞ score.</exception>
    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Ensure(ReadOnlySpan<float> scores, int width, string model, string data, long firstRow = 0)
    {
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsFinite(scores[i])) continue;
            string value = float.IsNaN(scores[i]) ? "NaN" : scores[i] > 0 ? "+∞" : "-∞";
            throw new InvalidDataException(
                $"{data}: row {firstRow + i / Math.Max(width, 1):N0}: {model} answers {value} (its arithmetic overflowed float32; are the inputs on the scale the model was trained on?).");
        }
    }
}
