using NeuralPipelines.Tests;
using Xunit.Sdk;

namespace NeuralPipelines.Models.Tests.Training;

/// <summary>The default tier's accuracy gate fails on a planted regression of just over two points, and only then.</summary>
public class AccuracyBarTests
{
    [Fact]
    public void A_run_two_points_below_its_measured_figure_passes_and_one_just_beyond_fails_naming_both()
    {
        AccuracyBar.AtLeast(0.9420, measured: 0.9420, "LeNet-5");
        AccuracyBar.AtLeast(0.9221, measured: 0.9420, "LeNet-5");
        var e = Assert.Throws<TrueException>(() => AccuracyBar.AtLeast(0.9210, measured: 0.9420, "LeNet-5"));
        Assert.StartsWith("LeNet-5: 92.10 %, more than 2 points below the 94.20 %", e.Message);
    }

    [Fact]
    public void On_a_small_set_the_band_is_one_example_wide()
    {
        // 30 iris rows: one row is 3.33 points, so 28 of 30 right after 30 of 30 fails and 29 of 30 does not.
        AccuracyBar.AtLeast(29 / 30.0, measured: 1.0, "iris", examples: 30);
        Assert.Throws<TrueException>(() => AccuracyBar.AtLeast(28 / 30.0, measured: 1.0, "iris", examples: 30));
    }
}

/// <summary>The planted side of a gate: it passes only when the wrong model's figure fails the gate, and says so otherwise.</summary>
public class AccuracyGateRefusesTests
{
    private static readonly AccuracyGate Gate = new(0.942, "LeNet-5");

    [Fact]
    public void A_wrong_model_below_the_band_is_refused_and_one_within_it_is_reported_as_passing()
    {
        Gate.Refuses(0.101, "its output layer zeroed");
        var e = Assert.Throws<FailException>(() => Gate.Refuses(0.93, "a planted defect too small to matter"));
        Assert.Equal("LeNet-5: a model with a planted defect too small to matter measured 93.00 % and still passed this gate (set at 94.20 %).", e.Message);
    }

    [Fact]
    public void A_floor_gate_holds_the_run_to_the_floor_itself()
    {
        var floor = AccuracyGate.AtLeast(0.95, "MLP, 10 epochs");
        floor.Check(0.95);
        Assert.Throws<TrueException>(() => floor.Check(0.9499));
        floor.Refuses(0.9499, "one point lost");
    }
}
