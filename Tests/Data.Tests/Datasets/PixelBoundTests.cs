using NeuralPipelines.Data.Datasets;

namespace NeuralPipelines.Data.Tests.Datasets;

/// <summary><see cref="PixelBound.FirstOutside"/> (whole vectors, then the element loop) gives the index the rule
/// |v| ≤ 1e6, element by element, gives: on seeded rows of every length around the vector widths, with values just
/// inside and just outside the bound, NaN and ±∞ planted anywhere, one or several.</summary>
public class PixelBoundTests
{
    private static int ElementByElement(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!(Math.Abs(values[i]) <= PixelBound.Limit)) return i;
        return -1;
    }

    private static readonly float[] Outside = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e6f * 1.0000001f, -1.5e6f, 3e38f];
    private static readonly float[] Edge = [1e6f, -1e6f, 999_999.94f, 0f, -0f, 255f];

    [Fact]
    public void Finds_the_first_value_outside_as_the_element_rule_does()
    {
        var rng = new Random(61);
        int found = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            var row = new float[rng.Next(0, 70)];
            for (int i = 0; i < row.Length; i++) row[i] = rng.Next(4) == 0 ? Edge[rng.Next(Edge.Length)] : (float)rng.NextDouble();
            int planted = row.Length == 0 ? 0 : rng.Next(3);
            for (int p = 0; p < planted; p++) row[rng.Next(row.Length)] = Outside[rng.Next(Outside.Length)];
            int expected = ElementByElement(row);
            Assert.True(expected == PixelBound.FirstOutside(row), $"row of {row.Length}: element rule {expected}, FirstOutside {PixelBound.FirstOutside(row)}");
            if (expected >= 0) found++;
        }
        Assert.InRange(found, 8_000, 16_000);   // both answers were exercised
    }
}
