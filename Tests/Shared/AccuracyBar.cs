namespace NeuralPipelines.Tests;

/// <summary>The default tier's accuracy gates. Each gate names the figure its run measured when the gate was set and fails
/// when a run lands more than <see cref="Points"/> below it: a 2-point regression is caught, while float-order noise (a
/// kernel that adds its products in another order, another core count) is not, since the runs are seeded and such noise
/// moved them by tenths (docs/TESTING.md). On a small test set one example can weigh more than that, so the band is never
/// narrower than one example.</summary>
public static class AccuracyBar
{
    /// <summary>How far below its measured figure a run may land: two percentage points.</summary>
    public const double Points = 0.02;

    /// <param name="actual">The accuracy the run reached now, in [0, 1].</param>
    /// <param name="measured">The accuracy it reached when the bar was set (same seed, same settings).</param>
    /// <param name="what">What was measured, for the failure message.</param>
    /// <param name="examples">The size of the set it was measured on, when small enough that one example is over 2 points.</param>
    public static void AtLeast(double actual, double measured, string what, int examples = int.MaxValue)
    {
        double band = Math.Max(Points, 1.0 / examples);
        Assert.True(actual >= measured - band,
            $"{what}: {actual:P2}, more than {band * 100:0.##} points below the {measured:P2} it measured when this bar was set");
    }
}
