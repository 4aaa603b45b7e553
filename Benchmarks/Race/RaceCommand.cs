namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race ceiling|tiles|conv-widths|sgemm|sgemm-team|sgemm-rows [--ab short-rows|panel-order|wide-transpose|masked-edges|chunks-any-taps|channels-last-dw]|sgemm-builds DIR,DIR|shapes|conv-shapes|conv-kernels|conv-layer [--layer C,O,HW,K,S,P,N]|mlp|alloc|alloc-steps|gan [--ab [team|implicit|implicit-forward|fusion|nchw|short-rows|panel-order|wide-transpose|masked-edges|chunks-any-taps|channels-last-dw]]|gan-layers|gan-profile|fusion-pairs [--ab bn-sweeps]|gmmn|pix2pix [--ab implicit|implicit-forward|channels-last|narrow|fusion|nchw|small-planes|min-pixels|skip-relu|pack-once|phase-fold|two-runs|strided|short-rows|panel-order|wide-transpose|masked-edges|chunks-any-taps|channels-last-dw] [--ngf N]|pix2pix-profile [--ngf N]|pix2pix-layers [--ngf N] [--routes] [--threads N] [--parallel-threshold MNK] [--no-adapt] [--idle-spin US] [--pool] [--epochs N] [--cold] [--simd 512|256|scalar] [--no-column-pairs] [--wait SECONDS | --no-wait]</c>: quick timings in the peer's method (warm-up, then the median of 7 repetitions
/// of an inner loop sized to last ≥ 0.25 s), for side-by-side runs with <c>../shared/peers/libtorch/run.sh</c>.
/// </summary>
public static class RaceCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        string mode = args.Length > 0 ? args[0] : "sgemm";
        Models.Kernels.Gemm.Threads = Option("--threads", Models.Kernels.Gemm.Threads);
        Models.Kernels.KernelLoop.MaxThreads = Option("--threads", Models.Kernels.KernelLoop.MaxThreads);
        Models.Kernels.Gemm.ParallelThreshold = Option("--parallel-threshold", (int)Models.Kernels.Gemm.ParallelThreshold);
        if (Array.IndexOf(args, "--no-adapt") >= 0) Models.Kernels.Gemm.AdaptToLoad = false;
        if (Array.IndexOf(args, "--idle-spin") >= 0) Models.Kernels.Gemm.IdleSpin = TimeSpan.FromMicroseconds(Option("--idle-spin", 50));
        if (Array.IndexOf(args, "--pool") >= 0) Models.Kernels.KernelLoop.OnTeam = false;
        if (Array.IndexOf(args, "--no-column-pairs") >= 0) Models.Kernels.GemmMicroKernelWide.ColumnPairs = false;
        // Narrower kernels for A/B timing in one process (the NP_SIMD environment variable does the same for a whole run).
        int simd = Array.IndexOf(args, "--simd");
        using var width = simd >= 0 && simd + 1 < args.Length
            ? Models.Kernels.SimdWidth.Use(Models.Kernels.SimdWidth.Parse(args[simd + 1])) : null;
        output.WriteLine($"threads {Models.Kernels.Gemm.Threads}, processors {Environment.ProcessorCount}, kernels at {Models.Kernels.SimdWidth.Current}");
        if (Array.IndexOf(args, "--no-wait") < 0)
            output.WriteLine($"waited for quiet: other processes {MachineLoad.WaitForQuiet(Option("--wait", 60)):F2} cores");
        string StringOption(string name, string fallback)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }
        int Option(string name, int fallback)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
        }

        switch (mode)
        {
            case "ceiling": CeilingProbe.Run(output); return 0;
            case "tiles": TileProbe.Run(output); return 0;
            case "conv-widths": ConvWidthRace.Run(output); return 0;
            case "sgemm": SgemmRace.Square(output); return 0;
            case "sgemm-team": SgemmRace.FewRows(output); return 0;
            case "sgemm-rows": SgemmRace.AlternateSwitch(output, GemmSwitches.Named(args) ?? "short-rows"); return 0;
            case "sgemm-builds" when args.Length > 1:
                SgemmBuilds.Run(output, args[1].Split(','), Models.Kernels.Gemm.Threads, Option("--rounds", 20)); return 0;
            case "shapes": SgemmRace.MlpShapes(output); return 0;
            case "conv-shapes": SgemmRace.ConvShapes(output); return 0;
            case "conv-kernels": SgemmRace.ConvKernels(output, Models.Kernels.Gemm.Threads); return 0;
            case "conv-layer": ConvLayerRace.Run(output, StringOption("--layer", "128,256,8,4,1,1,16")); return 0;
            case "mlp": MlpRace.Run(output, Option("--epochs", 10), cold: Array.IndexOf(args, "--cold") >= 0); return 0;
            case "alloc": SgemmRace.Allocation(output); return 0;
            case "alloc-steps": StepAllocation.Run(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "fusion") >= 0: GanRace.AlternateFusion(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && GemmSwitches.Named(args) is { } gemmSwitch: GanRace.AlternateSwitch(output, gemmSwitch); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "nchw") >= 0: GanRace.AlternateNchw(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "small-planes") >= 0: GanRace.AlternateSmallPlanes(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "pack-once") >= 0: GanRace.AlternatePackOnce(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "dcgan") >= 0: GanRace.AlternateDcganBranch(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "team") >= 0:
                GanRace.AlternateTeam(output, Models.Kernels.Gemm.IdleSpin); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "implicit-forward") >= 0:
                GanRace.AlternateImplicitForward(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0 && Array.IndexOf(args, "implicit") >= 0:
                GanRace.AlternateImplicit(output); return 0;
            case "gan" when Array.IndexOf(args, "--ab") >= 0: GanRace.AlternateChunks(output); return 0;
            case "gan": GanRace.Run(output); return 0;
            case "gan-layers": GanRace.Layers(output); return 0;
            case "gan-profile": GanProfile.Run(output); return 0;
            case "fusion-pairs": FusionPairs.Run(output, GemmSwitches.Named(args)); return 0;
            case "gmmn": GmmnRace.Run(output); return 0;
            case "pix2pix" when Array.IndexOf(args, "--ab") >= 0:
                Pix2PixRace.Alternate(output, Array.IndexOf(args, "--ngf") >= 0 ? [Option("--ngf", 64)] : [64, 32],
                    Pix2PixRace.Variants.FirstOrDefault(v => Array.IndexOf(args, v) >= 0) ?? "implicit"); return 0;
            case "pix2pix": Pix2PixRace.Run(output, Array.IndexOf(args, "--ngf") >= 0 ? [Option("--ngf", 64)] : [64, 32]); return 0;
            case "pix2pix-profile": Pix2PixProfile.Run(output, Array.IndexOf(args, "--ngf") >= 0 ? [Option("--ngf", 64)] : [64, 32]); return 0;
            case "pix2pix-layers": Pix2PixLayers.Run(output, Array.IndexOf(args, "--ngf") >= 0 ? [Option("--ngf", 64)] : [64, 32], Array.IndexOf(args, "--routes") >= 0); return 0;
            default: Console.Error.WriteLine($"race: unknown mode {mode} (ceiling | tiles | conv-widths | sgemm | sgemm-team | sgemm-rows | sgemm-builds | shapes | conv-shapes | conv-kernels | conv-layer | mlp | alloc | alloc-steps | gan | gan-layers | gmmn | pix2pix | pix2pix-profile | pix2pix-layers)"); return 2;
        }
    }
}
