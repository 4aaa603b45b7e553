using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>The GEMM's (and the convolution routes') on/off switches that the races alternate by name (<c>--ab NAME</c>
/// of <c>race sgemm-rows</c>, <c>race gan</c>, <c>race pix2pix</c> and <c>race-cnn resnet</c>), in one place: each but
/// <c>bn-sweeps</c> keeps the bits, so the two settings time the same arithmetic.</summary>
public static class GemmSwitches
{
    /// <summary>A switch: how to set it, and what its two settings are called in the RESULT lines.</summary>
    public sealed record Switch(Action<bool> Set, string On, string Off);

    public static readonly IReadOnlyDictionary<string, Switch> ByName = new Dictionary<string, Switch>
    {
        ["short-rows"] = new(on => GemmMicroKernelWide.ShortRowTiles = on, "short-row tiles", "last rows as before"),
        ["panel-order"] = new(on => GemmPacking.PanelOrder = on, "B packed by panels", "B packed by rows"),
        ["wide-transpose"] = new(on => GemmPacking.WideTranspose = on, "Bᵀ packed by 16×16", "Bᵀ packed by 8×8"),
        ["chunks-any-taps"] = new(on => Im2ColChunks.AnyTaps = on, "∂C/∂x by chunks at any taps", "∂C/∂x by chunks above 384 taps"),
        ["channels-last-dw"] = new(on => ImplicitGemm.ChannelsLastGradients = on, "∂C/∂w in place, channels-last", "∂C/∂w gathered"),
        ["column-pieces"] = new(on => GemmSchedule.ColumnPieces = on, "few rows by column pieces", "few rows by row blocks"),
        ["point-fold"] = new(on => PointFold.Enabled = on, "1×1 folds by copying", "1×1 folds through phase planes"),
        // Not the same bits: the sweeps sum each plane in another order (within the plain twin's tolerance either way).
        ["bn-sweeps"] = new(on => BatchNormChannels.InMemoryOrderPasses = on, "batch norm in memory order", "batch norm channel by channel"),
        ["fused-backward"] = new(on => BatchNormChannels.FusedBackwardPlane = on ? 0 : 128, "activation's δ in the batch norm's backward on every plane", "only on planes of 128 floats and more"),
        ["channels-last-forward"] = new(on => ChannelsLastForward.Enabled = on, "forward and stride-1 ∂C/∂x channels-last by 6-pixel tiles", "by the earlier routes"),
        ["pointwise"] = new(on => PointwiseConv.Enabled = on, "strided 1×1 convolutions image by image", "by the earlier routes"),
        ["tap-rows"] = new(on => WeightGradientByTapRows.Enabled = on, "∂C/∂w of 3-wide kernels by rows of three taps, channels-last", "by the earlier routes"),
        ["phases"] = new(on => InputGradientByPhases.Enabled = on, "stride-2 3×3 and 4×4 ∂C/∂x by input phases, channels-last", "by the earlier routes"),
        ["grabs"] = new(on => KernelLoop.Grabs = on, "loop indices handed out in runs of 8,192 floats of work", "one index at a time"),
        ["own-b"] = new(on => GemmSchedule.ThreadsPackOwnB = on, "each thread packs its own B of a step", "each step's B packed once on the team"),
        ["ends"] = new(on => GemmSchedule.FrontAndBack = on, "row blocks from both ends", "row blocks in order"),
        ["loop-ends"] = new(on => GemmTeam.LoopsFromEnds = on, "loops from both ends", "loops in order"),
        ["junction"] = new(on => Models.Layers.Conv.Residual.FusesActivation = on, "residual junction and ReLU in one pass", "junction, then ReLU"),
        ["join-in-place"] = new(on => Models.Layers.Conv.Residual.JoinsInPlace = on, "each share of ∂C/∂x added onto the other", "both written, then added"),
        ["compress"] = new(on => DirectConv2d.CompressesBlocks = on, "direct kernel: each block to its rows by compresses", "a copy per run of kept positions"),
        ["block-copies"] = new(on => DirectConv2d.BlockCopies = on, "direct kernel: each block's outputs to their rows at once", "a staging plane per channel, copied after the image"),
        ["wide-rows"] = new(on => ShortRows.WideRows = on, "short rows copied at 512 bits", "at 256 bits"),
        ["shared-borders"] = new(on => DirectConv2d.SharedBorders = on, "direct kernels' rows share their borders", "each row its own borders"),
        ["large-kernels"] = new(on => Im2ColChunks.WholeBatchForLargeKernels = on, "products of kernels over 1 MB through the whole batch's columns", "by chunks"),
        ["masked-edges"] = new(on => GemmMicroKernelWide.MaskedEdges = on, "cut panels masked at 512 bits", "cut panels at 256 bits"),
    };

    /// <summary>The first argument that names a switch, or null.</summary>
    public static string? Named(string[] args) => args.FirstOrDefault(ByName.ContainsKey);

    /// <summary>The names, for usage lines.</summary>
    public static string Names => string.Join("|", ByName.Keys);
}
