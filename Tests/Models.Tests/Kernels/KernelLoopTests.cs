using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The kernels' shared loop on the GEMM team: every index exactly once, loops inside loops, products inside
/// loops, a failing body's exception on the caller, the one work → threads policy, and no allocation on any thread.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class KernelLoopTests
{
    private static void OnTwoThreads(Action body)
    {
        // Adapting to load off: the team never backs off, so the loop really is shared.
        using (new KernelSettingsScope(threads: 2, adaptToLoad: false)) body();
    }

    [Fact]
    public void Every_index_runs_exactly_once_and_loops_nest()
    {
        OnTwoThreads(() =>
        {
            for (int round = 0; round < 50; round++)
            {
                var hits = new int[37 * 5];
                KernelLoop.For(37, long.MaxValue, i => KernelLoop.For(5, long.MaxValue, j => Interlocked.Increment(ref hits[i * 5 + j])));
                Assert.All(hits, h => Assert.Equal(1, h));
            }
        });
    }

    /// <summary>Loops of small items are handed out in runs (<see cref="KernelLoop.Grab"/>): every index still exactly
    /// once, also when the last run is short, and on the thread that took its run.</summary>
    [Theory]
    [InlineData(4096, 4096L * 64)]     // a 4×4 → 2×2 unfold's rows: runs of 128
    [InlineData(1001, 1001L * 3)]      // runs capped at a quarter of a thread's share, the last one short
    [InlineData(37, long.MaxValue)]    // large items: one at a time
    public void Small_items_handed_out_in_runs_still_run_exactly_once(int count, long work)
    {
        OnTwoThreads(() =>
        {
            var hits = new int[count];
            KernelLoop.For(count, work, hits, static (h, i) => Interlocked.Increment(ref h[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        });
    }

    /// <summary>The caller takes a loop's indices from the first, the partner from the last: whatever the split, the
    /// caller's indices are a prefix and the partner's the rest, so loops in a row give each core the same part.</summary>
    [Fact]
    public void The_caller_takes_indices_from_the_first_and_the_partner_from_the_last()
    {
        OnTwoThreads(() =>
        {
            int caller = Environment.CurrentManagedThreadId;
            for (int round = 0; round < 20; round++)
            {
                var onCaller = new bool[200];
                // Slow enough items that the partner joins (200 × 20 µs); each index records whether the caller ran it.
                KernelLoop.For(onCaller.Length, long.MaxValue, (onCaller, caller), static (t, i) =>
                {
                    t.onCaller[i] = Environment.CurrentManagedThreadId == t.caller;
                    Thread.SpinWait(2000);
                });
                int prefix = Array.IndexOf(onCaller, false);
                if (prefix < 0) continue; // the partner did not come this time
                Assert.All(onCaller[prefix..], c => Assert.False(c));
            }
        });
    }

    [Fact]
    public void A_run_holds_the_grab_work_but_at_most_a_quarter_of_a_threads_share()
    {
        using var settings = new KernelSettingsScope(loopThreads: 2);
        Assert.Equal(128, KernelLoop.Grab(4096, 4096L * 64));               // 8,192 floats of work ÷ 64 a row
        Assert.Equal(1001 / 8, KernelLoop.Grab(1001, 1001L * 3));          // 2,731 wanted, 125 allowed
        Assert.Equal(1, KernelLoop.Grab(37, long.MaxValue));
        Assert.Equal(1, KernelLoop.Grab(7, 7L * 10));                       // fewer items than four a thread
        KernelLoop.Grabs = false;
        try { Assert.Equal(1, KernelLoop.Grab(4096, 4096L * 64)); }
        finally { KernelLoop.Grabs = true; }
    }

    /// <summary><see cref="KernelLoop.ForRuns"/>: contiguous runs that cover every item exactly once, at most the runs asked
    /// for, of lengths differing by at most one, also with fewer items than runs.</summary>
    [Theory]
    [InlineData(1, 32)]
    [InlineData(7, 32)]
    [InlineData(100, 32)]
    [InlineData(4096, 64)]
    [InlineData(33, 1)]
    public void Runs_cover_every_item_once_in_contiguous_even_stretches(int count, int runs)
    {
        OnTwoThreads(() =>
        {
            var hits = new int[count];
            var lengths = new System.Collections.Concurrent.ConcurrentBag<int>();
            KernelLoop.ForRuns(count, runs, long.MaxValue, (hits, lengths), static (t, from, to) =>
            {
                t.lengths.Add(to - from);
                for (int i = from; i < to; i++) Interlocked.Increment(ref t.hits[i]);
            });
            Assert.All(hits, h => Assert.Equal(1, h));
            Assert.Equal(Math.Min(count, runs), lengths.Count);
            Assert.InRange(lengths.Max() - lengths.Min(), 0, 1);
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
            KernelLoop.For(results.Length, long.MaxValue, i =>
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
                KernelLoop.For(40, long.MaxValue, i => { if (i == 23) throw new InvalidOperationException("index 23 failed"); }));
            Assert.Equal("index 23 failed", e.Message);
            int sum = 0;
            KernelLoop.For(10, long.MaxValue, i => Interlocked.Add(ref sum, i));
            Assert.Equal(45, sum);
        });
    }

    [Fact]
    public void Work_below_the_serial_threshold_stays_on_the_caller_and_above_it_uses_every_core()
    {
        Assert.Equal(1, KernelLoop.Threads(KernelLoop.SerialWork - 1));
        Assert.Equal(KernelLoop.MaxThreads, KernelLoop.Threads(KernelLoop.SerialWork));
        Assert.Equal(Environment.ProcessorCount, KernelLoop.MaxThreads);
        OnTwoThreads(() =>
        {
            int caller = Environment.CurrentManagedThreadId;
            var small = new int[64];
            KernelLoop.For(small.Length, KernelLoop.SerialWork - 1, small, static (t, i) => t[i] = Environment.CurrentManagedThreadId);
            Assert.All(small, id => Assert.Equal(caller, id));
        });
    }

    [Fact]
    public void A_shared_loop_with_a_state_value_allocates_nothing_on_the_caller_or_the_team()
    {
        OnTwoThreads(() =>
        {
            var sums = new double[256];
            var data = Enumerable.Range(0, 256 * 1024).Select(i => (float)Math.Sin(i)).ToArray();
            void Loop() => KernelLoop.For(sums.Length, long.MaxValue, (sums, data), static (t, i) =>
                t.sums[i] = System.Numerics.Tensors.TensorPrimitives.Sum(t.data.AsSpan(i * 1024, 1024)));
            Loop(); // the first call makes the state type's job
            long caller = GC.GetAllocatedBytesForCurrentThread(), workers = Gemm.WorkerAllocatedBytes;
            for (int round = 0; round < 20; round++) Loop();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - caller);
            Assert.Equal(0, Gemm.WorkerAllocatedBytes - workers);
            Assert.Equal(System.Numerics.Tensors.TensorPrimitives.Sum(data.AsSpan(5 * 1024, 1024)), sums[5]);
        });
    }
}
