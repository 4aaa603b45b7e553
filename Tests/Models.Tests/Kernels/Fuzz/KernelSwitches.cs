using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Fuzz;

/// <summary>The kernels' process-wide route and tiling switches (those the races' <c>--ab</c> flips, and the routes'
/// own <c>Enabled</c>), set at random for one fuzz case so that the convolution's chooser reaches the routes it would
/// not pick by default; every switch is put back on <see cref="Dispose"/>. Callers hold the GEMM's collection.</summary>
public sealed class KernelSwitches : IDisposable
{
    private sealed record Flag(string Name, Func<bool> Get, Action<bool> Set);

    private static readonly Flag[] Flags =
    [
        new("short-rows", () => GemmMicroKernelWide.ShortRowTiles, v => GemmMicroKernelWide.ShortRowTiles = v),
        new("column-pairs", () => GemmMicroKernelWide.ColumnPairs, v => GemmMicroKernelWide.ColumnPairs = v),
        new("masked-edges", () => GemmMicroKernelWide.MaskedEdges, v => GemmMicroKernelWide.MaskedEdges = v),
        new("panel-order", () => GemmPacking.PanelOrder, v => GemmPacking.PanelOrder = v),
        new("wide-transpose", () => GemmPacking.WideTranspose, v => GemmPacking.WideTranspose = v),
        new("column-pieces", () => GemmSchedule.ColumnPieces, v => GemmSchedule.ColumnPieces = v),
        new("own-b", () => GemmSchedule.ThreadsPackOwnB, v => GemmSchedule.ThreadsPackOwnB = v),
        new("ends", () => GemmSchedule.FrontAndBack, v => GemmSchedule.FrontAndBack = v),
        new("loop-ends", () => GemmTeam.LoopsFromEnds, v => GemmTeam.LoopsFromEnds = v),
        new("grabs", () => KernelLoop.Grabs, v => KernelLoop.Grabs = v),
        new("gathers", () => GatheredB.Gathers, v => GatheredB.Gathers = v),
        new("two-runs-permute", () => GatheredB.TwoRunsPermute, v => GatheredB.TwoRunsPermute = v),
        new("chunks-any-taps", () => Im2ColChunks.AnyTaps, v => Im2ColChunks.AnyTaps = v),
        new("chunks", () => Im2ColChunks.Enabled, v => Im2ColChunks.Enabled = v),
        new("chunks-pack-once", () => Im2ColChunks.PacksWeightsOnce, v => Im2ColChunks.PacksWeightsOnce = v),
        new("large-kernels", () => Im2ColChunks.WholeBatchForLargeKernels, v => Im2ColChunks.WholeBatchForLargeKernels = v),
        new("strided-unfold", () => Im2ColStrided.Enabled, v => Im2ColStrided.Enabled = v),
        new("point-fold", () => PointFold.Enabled, v => PointFold.Enabled = v),
        new("phase-fold-widened", () => PhaseFold.Widened, v => PhaseFold.Widened = v),
        new("implicit", () => ImplicitGemm.Enabled, v => ImplicitGemm.Enabled = v),
        new("implicit-forwards", () => ImplicitGemm.Forwards, v => ImplicitGemm.Forwards = v),
        new("channels-last-dw", () => ImplicitGemm.ChannelsLastGradients, v => ImplicitGemm.ChannelsLastGradients = v),
        new("channels-last-conv", () => ChannelsLastConv.Enabled, v => ChannelsLastConv.Enabled = v),
        new("channels-last-forward", () => ChannelsLastForward.Enabled, v => ChannelsLastForward.Enabled = v),
        new("pointwise", () => PointwiseConv.Enabled, v => PointwiseConv.Enabled = v),
        new("tap-rows", () => WeightGradientByTapRows.Enabled, v => WeightGradientByTapRows.Enabled = v),
        new("phases", () => InputGradientByPhases.Enabled, v => InputGradientByPhases.Enabled = v),
        new("direct", () => DirectConv2d.Enabled, v => DirectConv2d.Enabled = v),
        new("compress", () => DirectConv2d.CompressesBlocks, v => DirectConv2d.CompressesBlocks = v),
        new("block-copies", () => DirectConv2d.BlockCopies, v => DirectConv2d.BlockCopies = v),
        new("shared-borders", () => DirectConv2d.SharedBorders, v => DirectConv2d.SharedBorders = v),
        new("flat-planes-deal", () => FlatPlanes.DealsFast, v => FlatPlanes.DealsFast = v),
        new("wide-rows", () => ShortRows.WideRows, v => ShortRows.WideRows = v),
        new("strided-dw", () => DirectConv2dWeightGradient.TakesStrided, v => DirectConv2dWeightGradient.TakesStrided = v),
        new("nchw", () => Convolution.PacksDeltaFromImages, v => Convolution.PacksDeltaFromImages = v),
        new("bn-sweeps", () => BatchNormChannels.InMemoryOrderPasses, v => BatchNormChannels.InMemoryOrderPasses = v),
        new("fused-backward", () => BatchNormChannels.FusedBackwardPlane == 0, v => BatchNormChannels.FusedBackwardPlane = v ? 0 : 128),
        new("loop-on-team", () => KernelLoop.OnTeam, v => KernelLoop.OnTeam = v),
    ];

    private readonly bool[] _saved = Array.ConvertAll(Flags, f => f.Get());
    private readonly int _columnFreeTaps = Convolution.ColumnFreeTaps, _forwardMinPixels = ImplicitGemm.ForwardMinPixels;

    /// <summary>The switches that differ from their defaults, for the failure message.</summary>
    public string Description { get; }

    /// <summary>Each switch off with probability <paramref name="offChance"/>, the two thresholds moved now and then; with
    /// <paramref name="offChance"/> 0 the defaults stay.</summary>
    public KernelSwitches(Random rng, double offChance)
    {
        var changed = new List<string>();
        for (int i = 0; i < Flags.Length; i++)
            if (rng.NextDouble() < offChance)
            {
                Flags[i].Set(!_saved[i]);
                changed.Add($"{Flags[i].Name}={!_saved[i]}");
            }
        if (offChance > 0 && rng.Next(3) == 0)
        {
            Convolution.ColumnFreeTaps = rng.Pick(0, 8, 64, 640, 4096);
            changed.Add($"ColumnFreeTaps={Convolution.ColumnFreeTaps}");
        }
        if (offChance > 0 && rng.Next(3) == 0)
        {
            ImplicitGemm.ForwardMinPixels = rng.Pick(0, 16, 1 << 20);
            changed.Add($"ForwardMinPixels={ImplicitGemm.ForwardMinPixels}");
        }
        Description = changed.Count == 0 ? "default switches" : string.Join(" ", changed);
    }

    public void Dispose()
    {
        for (int i = 0; i < Flags.Length; i++) Flags[i].Set(_saved[i]);
        Convolution.ColumnFreeTaps = _columnFreeTaps;
        ImplicitGemm.ForwardMinPixels = _forwardMinPixels;
    }
}
