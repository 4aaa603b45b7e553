using NeuralPipelines.Models.Kernels;
using Xunit.Abstractions;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>Each kernel of <see cref="KernelTwins"/> against its plain twin on every adversarial shape of its family, at
/// every SIMD width this machine has, on one thread and on two (the same bits on both). A kernel added to the registry
/// gets the sweep with its line. In the GEMM's collection: widths and thread counts are process-wide.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class KernelTwinSweepTests(ITestOutputHelper output)
{
    public static TheoryData<string> Swept => new(KernelTwins.All.Where(k => k.Sweep is not null).Select(k => k.Name));

    [Theory]
    [MemberData(nameof(Swept))]
    public void Matches_its_twin_on_every_shape_at_every_width_on_one_and_two_threads(string kernel)
    {
        var report = TwinSweep.Run(KernelTwins.Named(kernel).Sweep!());
        output.WriteLine($"{kernel}: {report.Cases} shapes, {report.Runs} runs of shape × width ({string.Join(", ", SimdWidth.AvailablePaths)}), " +
                         $"{report.TeamCalls} products on the GEMM's team");
        Assert.True(report.Failures.Count == 0, $"{kernel}: {report.Failures.Count} of {report.Cases} shapes differ from the twin:{Environment.NewLine}" +
                                                string.Join(Environment.NewLine, report.Failures));
        // A sweep whose kernel took no shape would pass having checked nothing. Every kernel here takes some shape on a
        // CPU with AVX2 and FMA (the direct convolutions need them; elsewhere their callers take the column route), but
        // those with only a 512-bit path, which must then decline every shape (their callers route around them).
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported || !System.Runtime.Intrinsics.X86.Fma.IsSupported) return;
        if (KernelTwins.OnlyAt512.Contains(KernelTwins.Named(kernel).Kernel) && !SimdWidth.Available(SimdPath.Vector512))
        {
            output.WriteLine($"{kernel} has only a 512-bit path and this CPU has no AVX-512: it must take no shape here");
            Assert.Equal(0, report.Runs);
            return;
        }
        Assert.True(report.Runs >= report.Cases / 4 && report.Runs > 0, $"{kernel} took {report.Runs} runs of {report.Cases} shapes × widths");
    }

    [Fact]
    public void A_planted_kernel_wrong_only_in_its_tail_fails_at_the_first_length_off_the_vector_and_is_named()
    {
        var cases = LaneCases.Sweep(1, x => Run(x, (z, a) => PlantedKernels.ReluWithAWrongTail(z, a)), x => Run(x, (z, a) => Rectifier.ForwardReference(z, a)), "a");
        var report = TwinSweep.Run(cases);
        output.WriteLine(string.Join(Environment.NewLine, report.Failures));
        // Lengths 0, 8, 16, 32, 64 have no tail; 1 and 784 (= 98 × 8) neither fail nor pass by luck: 1 reads a background 0.
        Assert.Contains(report.Failures, f => f.StartsWith("length 7 at Scalar, one thread: a[", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Failures, f => f.StartsWith("length 8 ", StringComparison.Ordinal) || f.StartsWith("length 16 ", StringComparison.Ordinal));

        static float[][] Run(float[][] x, Action<float[], float[]> relu)
        {
            var a = TwinData.Unwritten(x[0].Length);
            relu(x[0], a);
            return [a];
        }
    }

    [Fact]
    public void A_planted_product_that_drops_the_last_k_step_fails_on_the_shapes_that_have_one()
    {
        // The GEMM's form computed over k − 1: right only where the dropped column of A or row of B is all zero.
        var report = TwinSweep.Run(ProductCases.Sweep((ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate) =>
            GemmReference.Multiply(ta, tb, m, n, Math.Max(k - 1, 0), a, lda, b, ldb, c, ldc, accumulate), (_, _, m, n, k, _) => (long)m * n * k < 100_000));
        Assert.Contains(report.Failures, f => f.StartsWith("A·B 5×17×257 at Scalar, one thread: C[", StringComparison.Ordinal));
        Assert.True(report.Failures.Count > report.Cases / 2, $"only {report.Failures.Count} of {report.Cases} shapes caught the dropped step");
    }
}
