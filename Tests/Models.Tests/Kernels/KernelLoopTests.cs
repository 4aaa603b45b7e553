using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The kernels' shared loop on the GEMM team: every index exactly once, loops inside loops, products inside
/// loops, and a failing body's exception on the caller.</summary>
public class KernelLoopTests
{
    private static void OnTwoThreads(Action body)
    {
        int threads = Gemm.Threads;
        bool adapt = Gemm.AdaptToLoad;
        try
        {
            Gemm.Threads = 2;
            Gemm.AdaptToLoad = false; // the team never backs off: the loop really is shared
            body();
        }
        finally { Gemm.Threads = threads; Gemm.AdaptToLoad = adapt; }
    }

    [Fact]
    public void Every_index_runs_exactly_once_and_loops_nest()
    {
        OnTwoThreads(() =>
        {
            for (int round = 0; round < 50; round++)
            {
                var hits = new int[37 * 5];
                KernelLoop.For(37, 2, i => KernelLoop.For(5, 2, j => Interlocked.Increment(ref hits[i * 5 + j])));
                Assert.All(hits, h => Assert.Equal(1, h));
            }
        });
    }

    [Fact]
    public void A_product_inside_a_shared_loop_gives_the_bits_of_one_outside()
    {
        OnTwoThreads(() =>
        {
            const int m = 96, n = 80, k = 64;
            var rng = new Random(3);
            var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var expected = new float[m * n];
            Gemm.Multiply(false, false, m, n, k, a, k, b, n, expected, n);
            var results = new float[6][];
            // A caller that holds the team inside the loop computes alone; the pool of the other thread does too.
            KernelLoop.For(results.Length, 2, i =>
            {
                results[i] = new float[m * n];
                Gemm.Multiply(false, false, m, n, k, a, k, b, n, results[i], n);
            });
            Assert.All(results, r => Assert.Equal(expected, r));
        });
    }

    [Fact]
    public void A_failing_body_throws_its_own_exception_on_the_caller_and_the_team_keeps_working()
    {
        OnTwoThreads(() =>
        {
            var e = Assert.Throws<InvalidOperationException>(() =>
                KernelLoop.For(40, 2, i => { if (i == 23) throw new InvalidOperationException("index 23 failed"); }));
            Assert.Equal("index 23 failed", e.Message);
            int sum = 0;
            KernelLoop.For(10, 2, i => Interlocked.Add(ref sum, i));
            Assert.Equal(45, sum);
        });
    }
}
