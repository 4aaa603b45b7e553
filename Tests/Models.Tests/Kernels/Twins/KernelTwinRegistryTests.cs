using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>Every fast kernel in Models/Kernels, found by what its code does (<see cref="KernelScan"/>), has a line in
/// <see cref="KernelTwins"/> with a plain twin, twin tests that really call both, and a sweep; planted cases show that an
/// unregistered kernel, a stale line and a test that never calls the twin are each named.</summary>
public class KernelTwinRegistryTests
{
    [Fact]
    public void Every_fast_kernel_has_a_twin_a_twin_test_and_a_sweep()
    {
        var problems = KernelTwinGuard.Problems(KernelScan.FastKernels, KernelTwins.All);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_scan_finds_the_kernels_everyone_knows_and_leaves_the_twins_and_geometry_out()
    {
        var found = KernelScan.FastKernels;
        Assert.Contains(typeof(Gemm), found.Keys);
        Assert.Contains(typeof(DirectConv2d), found.Keys);
        Assert.Contains(typeof(Rectifier), found.Keys);              // a Vector256 mask
        Assert.Contains(typeof(BatchNormChannels), found.Keys);      // shared by KernelLoop
        Assert.DoesNotContain(typeof(GemmReference), found.Keys);
        Assert.DoesNotContain(typeof(DirectConv2dReference), found.Keys);
        Assert.DoesNotContain(typeof(Im2ColGeometry), found.Keys);
    }

    [Fact]
    public void A_planted_vector_kernel_without_a_line_is_found_and_named()
    {
        var planted = typeof(PlantedKernels.UnregisteredVectorLoop);
        Assert.StartsWith("vectors: Vector256", KernelScan.Why(planted));
        Assert.Null(KernelScan.Why(typeof(PlantedKernels.PlainLoop)));
        var found = KernelScan.FastKernels.Append(new(planted, KernelScan.Why(planted)!)).ToDictionary();
        var problems = KernelTwinGuard.Problems(found, KernelTwins.All);
        Assert.Equal(
            "UnregisteredVectorLoop is a fast kernel (vectors: Vector256) without a line in KernelTwins: give it a plain twin, a twin test and a sweep.",
            Assert.Single(problems));
    }

    [Fact]
    public void A_line_whose_test_never_calls_the_twin_and_a_line_for_no_kernel_are_named()
    {
        // Rectifier's line naming LeakyRectifierTests, which never calls Rectifier.…Reference; and a line for a plain type.
        var lines = KernelTwins.All.Where(l => l.Kernel != typeof(Rectifier))
            .Append(KernelTwin.Of(typeof(Rectifier), typeof(Rectifier), [typeof(LeakyRectifierTests)], () => []))
            .Append(KernelTwin.Policy(typeof(PlantedKernels.PlainLoop), "planted"))
            .ToArray();
        var problems = KernelTwinGuard.Problems(KernelScan.FastKernels, lines);
        Assert.Contains(problems, p => p.StartsWith("Rectifier: LeakyRectifierTests does not compare it with its twin Rectifier"));
        Assert.Contains("PlainLoop has a line in KernelTwins but is no fast kernel of NeuralPipelines.Models.Kernels.", problems);
        Assert.Contains("PlainLoop names no test class.", problems);
    }
}
