using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels;

/// <summary>The team's products (<see cref="GemmSchedule"/>): whoever takes which item, and however late a thread
/// comes, C gets the bits of one thread.</summary>
[Collection(nameof(GemmThreadsCollection))]
public class GemmScheduleTests
{
    public static TheoryData<int, int, int, bool, bool, bool> Shapes => new()
    {
        // m, n, k, A transposed, B transposed, cut into column pieces (at most MC rows, at least two pieces)
        { 512, 512, 512, false, false, false },   // row blocks only, both slots of packed B used twice
        { 300, 1100, 600, false, true, false },   // two column blocks (n > NC), B packed by panels, a cut last block
        { 200, 300, 900, true, false, false },    // Aᵀ, four k steps of 225
        { 24, 100, 700, false, false, false },    // few rows, too few columns for two pieces: column groups
        { 64, 100, 784, true, true, false },      // the MLP's forward product, a cut last panel
        { 64, 3136, 576, false, false, true },    // ResNet-8's 64-channel forward: eight pieces of 416 columns
        { 144, 300, 200, true, true, true },      // m = MC, Aᵀ and Bᵀ: five pieces, the last cut inside a panel
        { 24, 1100, 700, false, false, true },    // seven pieces of 160 (the last 140), k in three steps of 234
        { 6, 8800, 20, false, true, true },       // pieces of 1120, wider than NC: two column blocks in each
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Late_partners_and_late_callers_get_the_bits_of_one_thread(int m, int n, int k, bool ta, bool tb, bool pieces)
    {
        var rng = new Random(m + n + k);
        float[] Random(int length) { var x = new float[length]; for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1); return x; }
        var a = Random(m * k); var b = Random(k * n); var start = Random(m * n);
        int lda = ta ? m : k, ldb = tb ? k : n;
        float[] Run(int threads)
        {
            var c = (float[])start.Clone();
            using (new KernelSettingsScope(threads: threads))
                Gemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, n, accumulate: true);
            return c;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var one = Run(1);
        // "Late" must outlast the whole product on one thread: 100 ms does at the vector widths, but not on the scalar
        // twins (NP_SIMD=scalar), where the 300×1100×600 product takes longer and a partner 100 ms late still found work.
        double late = Math.Max(100, 3 * clock.Elapsed.TotalMilliseconds);
        using var settings = new KernelSettingsScope(parallelThreshold: 1);
        try
        {
            // A caller 100 ms late, then 1 s late if the partner took nothing in the first: on a shared virtual machine
            // the partner's core can itself be held for 100 ms (one CI run on 2026-12-02 saw it); the claim is that the
            // partner works while the caller sleeps, not how soon it is scheduled.
            bool partnerWorked = false;
            foreach (var (partner, caller) in new[] { (0.0, 0.0), (0.3, 0.0), (0.0, 0.3), (late, 0.0), (0.0, 100.0), (0.0, 1000.0) })
            {
                if (caller == 1000 && partnerWorked) break;
                GemmTeam.PartnerDelay = TimeSpan.FromMilliseconds(partner);
                GemmTeam.CallerDelay = TimeSpan.FromMilliseconds(caller);
                long calls = Gemm.TeamCalls;
                var before = Gemm.TeamCounters;
                var two = Run(2);
                var after = Gemm.TeamCounters;
                Assert.Equal(calls + 1, Gemm.TeamCalls);
                Assert.Equal(pieces ? 1 : 0, after.PieceCalls - before.PieceCalls);
                Assert.True(one.AsSpan().SequenceEqual(two), $"{m}×{n}×{k}, partner {partner} ms late, caller {caller} ms: bits differ from one thread");
                // A partner that late finds the product done; a late caller finds the partner has taken items.
                if (partner == late) Assert.Equal(after.Items - before.Items, after.CallerItems - before.CallerItems);
                if (caller >= 100) partnerWorked = after.CallerItems - before.CallerItems < after.Items - before.Items;
            }
            Assert.True(partnerWorked, "the partner took no item while the caller slept, 100 ms or 1 s");
        }
        finally { GemmTeam.PartnerDelay = GemmTeam.CallerDelay = TimeSpan.Zero; }
    }

    /// <summary>Each thread packing its own B of a step (the default where row blocks span the width), with the row
    /// blocks taken from both ends or in order, and the step's B packed once on the team give the bits of one thread; so
    /// does a product cut into column groups, which keeps the shared packing.</summary>
    [Theory]
    [InlineData(512, 512, 512, false, false)]
    [InlineData(400, 600, 200, false, false)]   // one step: both calls' only step is step 0
    [InlineData(300, 1100, 600, false, true)]   // two column blocks: a thread's own B names the block and the step
    [InlineData(200, 300, 900, true, false)]
    [InlineData(24, 100, 700, false, false)]    // column groups: shared packing either way
    public void Own_b_and_shared_b_give_the_bits_of_one_thread(int m, int n, int k, bool ta, bool tb)
    {
        var rng = new Random(m * 7 + n + k);
        float[] Random(int length) { var x = new float[length]; for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1); return x; }
        var a = Random(m * k); var b1 = Random(k * n); var b2 = Random(k * n);
        int lda = ta ? m : k, ldb = tb ? k : n;
        float[] Run(int threads)
        {
            var c = new float[m * n];
            using (new KernelSettingsScope(threads: threads, parallelThreshold: 1))
            {
                // The second call's steps have the first's numbers: a thread must not take the B it packed then.
                Gemm.Multiply(ta, tb, m, n, k, a, lda, b1, ldb, c, n);
                Gemm.Multiply(ta, tb, m, n, k, a, lda, b2, ldb, c, n);
            }
            return c;
        }
        var one = Run(1);
        try
        {
            foreach (var (own, ends) in new[] { (true, true), (true, false), (false, true) })
            {
                GemmSchedule.ThreadsPackOwnB = own;
                GemmSchedule.FrontAndBack = ends;
                Assert.True(one.AsSpan().SequenceEqual(Run(2)), $"{m}×{n}×{k}, own B {own}, from both ends {ends}: bits differ from one thread");
            }
        }
        finally { GemmSchedule.ThreadsPackOwnB = GemmSchedule.FrontAndBack = true; }
    }

    [Fact]
    public void Column_pieces_take_few_rows_wide_enough_for_two_pieces_and_never_pack_a_huge_a_whole()
    {
        Assert.True(GemmSchedule.SuitsPieces(64, 3136, 576));       // ResNet-8's 64-channel forward
        Assert.True(GemmSchedule.SuitsPieces(144, 128, 1000));      // MC rows, two pieces of 64
        Assert.False(GemmSchedule.SuitsPieces(145, 3136, 576));     // more rows than one block of A
        Assert.False(GemmSchedule.SuitsPieces(64, 127, 576));       // narrower than two pieces
        // ∂C/∂w of a 64-channel layer over 1,024 images of 28×28: A whole would be 205 MB.
        Assert.False(GemmSchedule.SuitsPieces(64, 576, 1024 * 784));
    }
}
