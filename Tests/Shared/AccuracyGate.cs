namespace NeuralPipelines.Tests;

/// <summary>One accuracy gate of the default tier, kept in one object so that the real run and its planted failure are
/// judged by the very same bar: <see cref="Check"/> for the run, <see cref="Refuses"/> for a deliberately wrong model
/// (shuffled labels, a zeroed layer) scored the same way. Without the planted side nothing would show that a gate can fail.</summary>
/// <param name="Measured">What the run measured when the gate was set (<see cref="AccuracyBar"/> allows two points below it).</param>
/// <param name="What">What is measured, for the failure message.</param>
/// <param name="Examples">The size of the set, when one example weighs more than two points.</param>
public sealed record AccuracyGate(double Measured, string What, int Examples = int.MaxValue)
{
    /// <summary>A fixed floor instead of a band below a measured figure (the issue's own targets, e.g. ≥ 95 %).</summary>
    public double? Floor { get; init; }

    /// <summary>A gate that holds the run to <paramref name="floor"/> itself.</summary>
    public static AccuracyGate AtLeast(double floor, string what) => new(floor, what) { Floor = floor };

    public void Check(double actual)
    {
        if (Floor is { } floor) Assert.True(actual >= floor, $"{What}: {actual:P2}, below the floor of {floor:P2}");
        else AccuracyBar.AtLeast(actual, Measured, What, Examples);
    }

    /// <summary>Fails unless <paramref name="wrong"/>, the figure of a model with <paramref name="defect"/>, fails this gate.</summary>
    public void Refuses(double wrong, string defect)
    {
        try { Check(wrong); }
        catch (Xunit.Sdk.XunitException) { return; }
        Assert.Fail($"{What}: a model with {defect} measured {wrong:P2} and still passed this gate (set at {Measured:P2}).");
    }
}
