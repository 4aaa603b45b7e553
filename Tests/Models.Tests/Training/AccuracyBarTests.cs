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
