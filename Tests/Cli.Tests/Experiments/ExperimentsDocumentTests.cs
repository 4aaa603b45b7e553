namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>Default tier: docs/EXPERIMENTS.md and the long accuracy tier cannot drift apart. Every <c>np train</c> command in
/// the doc is either a result row the long tier reruns (<see cref="DocumentedAccuracyTests"/>) or listed in
/// <see cref="ExperimentsDocument.Unchecked"/> with the reason it is not.</summary>
public class ExperimentsDocumentTests
{
    [Fact]
    public void Every_np_train_command_is_a_long_test_row_or_said_to_be_unchecked()
    {
        var commands = ExperimentsDocument.AllTrainCommands();
        // What the long tier reads, by section: each classifier row, each generator row with its one judge, each colorizer.
        var read = ExperimentsDocument.Runs.Select(r => (r.Section, r.CommandLine))
            .Concat(ExperimentsDocument.Generators.SelectMany(g => new[] { (g.Generator.Section, g.Generator.CommandLine), (g.Judge.Section, g.Judge.CommandLine) }))
            .Concat(ExperimentsDocument.Colorizations.Select(c => (c.Run.Section, c.Run.CommandLine)))
            .Distinct().ToLookup(r => r.Section);
        foreach (var group in commands.Where(c => !ExperimentsDocument.IsUnchecked(c.Section, c.Command)).GroupBy(c => c.Section))
            Assert.True(read[group.Key].Count() == group.Count(),
                $"{ExperimentsDocument.Path}: section \"{group.Key}\" has {group.Count()} np train commands that are not said to be unchecked, "
                + $"but the long tier reads {read[group.Key].Count()} from it; the commands:\n" + string.Join('\n', group.Select(c => c.Command)));
        Assert.All(ExperimentsDocument.Unchecked, u => Assert.Contains(commands, c => ExperimentsDocument.Names(u, c.Section, c.Command)));
    }

    [Fact]
    public void The_generators_are_read_with_their_judge_and_mean_confidence()
    {
        var generators = ExperimentsDocument.Generators;
        Assert.Equal(["generator gan mnist", "generator gmmn mnist", "generator gmmn-ae mnist", "generator gmmn fashion-mnist", "generator gmmn-ae fashion-mnist",
            "generator gan fashion-mnist", "generator gan-mix20 fashion-mnist", "generator gan-screens fashion-mnist"],
            generators.Select(g => g.Id));
        var gan = ExperimentsDocument.Generator("generator gan mnist");
        Assert.Equal("np train gan --data mnist --out mnist/gan.ckpt", gan.Generator.CommandLine);
        Assert.Equal("np train lenet5 --data mnist --out mnist/lenet5.ckpt", gan.Judge.CommandLine);
        Assert.Equal(0.908, gan.MeanConfidence);
        Assert.Equal(0.895, ExperimentsDocument.Generator("generator gmmn mnist").MeanConfidence);
        Assert.Equal(0.872, ExperimentsDocument.Generator("generator gmmn-ae mnist").MeanConfidence);
        var fashion = ExperimentsDocument.Generator("generator gmmn-ae fashion-mnist");   // the "### Fashion-MNIST" table, not the MNIST one
        Assert.Equal("np train gmmn-ae --data fashion-mnist --epochs 15 --autoencoder-epochs 3 --out fashion-mnist/gmmn-ae.ckpt", fashion.Generator.CommandLine);
        Assert.Equal("np train lenet5 --data fashion-mnist --out fashion-mnist/lenet5.ckpt", fashion.Judge.CommandLine);
        Assert.Equal((0.794, 0.822), (fashion.MeanConfidence, ExperimentsDocument.Generator("generator gmmn fashion-mnist").MeanConfidence));
        var fashionGan = ExperimentsDocument.Generator("generator gan fashion-mnist");   // the 20-epoch row, not the --resume links after it
        Assert.Equal(("np train gan --data fashion-mnist --epochs 20 --out fashion-mnist/gan.ckpt", 0.860), (fashionGan.Generator.CommandLine, fashionGan.MeanConfidence));
        Assert.Equal(["--generator", "raw"], fashionGan.EvaluationOptions);
        // The mixture row is measured as its name cell says: through the average (np's default), components narrowed.
        var mixed = ExperimentsDocument.Generator("generator gan-mix20 fashion-mnist");
        Assert.Equal("np train gan --data fashion-mnist --latent-mixture 20 --epochs 40 --out fashion-mnist/gan-mix20.ckpt", mixed.Generator.CommandLine);
        Assert.Equal(["--component-sd", "0.4"], mixed.EvaluationOptions);
    }

    [Fact]
    public void The_generator_tables_other_figures_are_read_by_their_column_names()
    {
        // The main tables: MMD², most ÷ least, LeNet FID and Parzen beside the confidence, for the row and the real images.
        var gan = ExperimentsDocument.Generator("generator gan mnist");
        Assert.Equal(Figures(("mmd2", 0.0125), ("most_to_least", 4.94), ("lenet_fid", 51.76), ("parzen_log_likelihood", 121)), gan.Measures);
        Assert.Equal(Figures(("mmd2", 0.0025), ("most_to_least", 1.07), ("lenet_fid", 0.19), ("parzen_log_likelihood", 365)),
            ExperimentsDocument.Generator("generator gmmn fashion-mnist").Along.Single(c => c.OnRealImages).Measures);
        // "0.0094 (4.05×)": the first figure; a bold row the same.
        var gmmn = ExperimentsDocument.Generator("generator gmmn mnist").Along;
        Assert.Equal(Figures(("mmd2", 0.0094), ("most_to_least", 2.52), ("lenet_fid", 83.3), ("parzen_log_likelihood", 42)), gmmn[0].Measures);
        Assert.Equal(0.0058, gmmn[2].Measures!["mmd2"]);
        var fashion = ExperimentsDocument.Generator("generator gan fashion-mnist").Along;
        // "1.30 (pullover 11.4 %, dress 8.8 %)" in a table whose columns come in another order.
        var truncated = fashion.Single(c => c.Options.SequenceEqual(["--generator", "ema"]) && c.Table.StartsWith("truncation"));
        Assert.Equal(Figures(("most_to_least", 1.30), ("lenet_fid", 8.62), ("mmd2", 0.0038), ("parzen_log_likelihood", 272)), truncated.Measures);
        // The per-class rows give no other figure; the screens give three.
        Assert.All(fashion.Where(c => c.Class is not null), c => Assert.Empty(c.Measures ?? new Dictionary<string, double>()));
        Assert.Equal(Figures(("lenet_fid", 21.9), ("most_to_least", 1.50), ("mmd2", 0.0069)), ExperimentsDocument.Generator("generator gan-screens fashion-mnist").Measures);
        var mixed = ExperimentsDocument.Generator("generator gan-mix20 fashion-mnist").Along;
        // One figure per sample seed ("4.33, 4.03, 4.22"); Parzen was measured with seed 1 only.
        Assert.Equal(Figures(("lenet_fid", 4.33), ("most_to_least", 1.57), ("mmd2", 0.0045), ("parzen_log_likelihood", 267)),
            mixed.Single(c => c.Options.SequenceEqual(["--component-sd", "1", "--seed", "1"])).Measures);
        Assert.Equal(Figures(("lenet_fid", 5.71), ("most_to_least", 2.12), ("mmd2", 0.0072)),
            mixed.Single(c => c.Options.SequenceEqual(["--component-sd", "0.7", "--seed", "2"])).Measures);
        // One figure per epoch ("5.2 / 5.5 / 4.8 / **4.3**"); the ranges ("1.51–1.58") are not figures.
        Assert.Equal(Figures(("lenet_fid", 4.8)), mixed.Single(c => c.Epoch == 35 && c.Branch is null).Measures);

        static Dictionary<string, double> Figures(params (string Key, double Value)[] figures) => figures.ToDictionary(f => f.Key, f => f.Value);
    }

    [Fact]
    public void A_generator_figure_outside_its_band_fails_and_a_sample_seeds_spread_passes()
    {
        // The σ table's three sample seeds at σ 1 pass against each other's figure; a collapse or a doubled FID does not.
        Assert.True(DocumentedAccuracyTests.WithinMeasureBand("lenet_fid", 4.33, 4.03).Ok);
        Assert.True(DocumentedAccuracyTests.WithinMeasureBand("mmd2", 0.0045, 0.0041).Ok);
        Assert.True(DocumentedAccuracyTests.WithinMeasureBand("parzen_log_likelihood", 267, 261).Ok);
        Assert.False(DocumentedAccuracyTests.WithinMeasureBand("lenet_fid", 4.33, 8.66).Ok);
        Assert.False(DocumentedAccuracyTests.WithinMeasureBand("mmd2", 0.0045, 0.0090).Ok);
        Assert.False(DocumentedAccuracyTests.WithinMeasureBand("most_to_least", 1.57, double.PositiveInfinity).Ok);   // a class never drawn
        Assert.False(DocumentedAccuracyTests.WithinMeasureBand("parzen_log_likelihood", 88, 42).Ok);   // the GMMN at 100 against 200 epochs
        // A GAN's trajectory moves MMD² further (0.0193 against 0.0110 at 45 epochs on MNIST): inside its band, outside the other.
        Assert.True(DocumentedAccuracyTests.WithinMeasureBand("mmd2", 0.0110, 0.0193, adversarial: true).Ok);
        Assert.False(DocumentedAccuracyTests.WithinMeasureBand("mmd2", 0.0110, 0.0193).Ok);
        Assert.False(DocumentedAccuracyTests.WithinMeasureBand("mmd2", 0.0110, 0.0250, adversarial: true).Ok);
        Assert.Equal(DocumentedAccuracyTests.MeasureBands.Keys.Order(), DocumentedAccuracyTests.AdversarialMeasureBands.Keys.Order());
        Assert.Equal(DocumentedAccuracyTests.MeasureBands.Keys.Order(), ExperimentsDocument.Generators
            .SelectMany(g => g.Along.SelectMany(c => c.Measures?.Keys ?? []).Concat(g.Measures.Keys)).Distinct().Order());
    }

    [Fact]
    public void The_figures_along_each_generators_run_are_read_from_their_tables()
    {
        // Each run's checks end with the judge on real training images (the main table's first row).
        var gan = ExperimentsDocument.Generator("generator gan mnist").Along;
        Assert.Equal([25, 30, 35, 40, 45, 50, 0], gan.Select(c => c.Epoch));
        Assert.Equal((0.994, true), (gan[^1].MeanConfidence, gan[^1].OnRealImages));
        Assert.Equal((0.892, 0.903, 0.908), (gan[0].MeanConfidence, gan[3].MeanConfidence, gan[5].MeanConfidence));
        Assert.Equal([100, 150, 200], ExperimentsDocument.Generator("generator gmmn mnist").Along.Where(c => !c.OnRealImages).Select(c => c.Epoch));
        var fashion = ExperimentsDocument.Generator("generator gan fashion-mnist").Along;
        // The by-epoch table (5), the average table with its ablation row (18), the truncation table (16), the two decay
        // tables (6 + 20), the rejection table (18), three per-class rows (3 × 11: real training and test images, the GAN),
        // the screens' recipe row at 20 epochs and the main table's real training images.
        Assert.Equal(5 + 18 + 16 + 6 + 20 + 18 + 33 + 1 + 1, fashion.Count);
        var ablation = fashion.Single(c => c.Options.Contains("--average-statistics"));
        Assert.Equal((28, "average-from-27", 0.858), (ablation.Epoch, ablation.Branch!.Name, ablation.MeanConfidence));
        Assert.Equal(["--generator", "ema", "--average-statistics", "raw"], ablation.Options);
        Assert.Equal((1, 0.743), (fashion[0].Epoch, fashion[0].MeanConfidence));
        Assert.Equal(26, fashion.Where(c => c.Branch is null).Max(c => c.Epoch));
        var averaged = fashion.Single(c => c.Epoch == 27 && c.Options.SequenceEqual(["--generator", "ema"])).Branch!;
        Assert.Equal(("average-from-27", 26, 34, null), (averaged.Name, averaged.From, averaged.To, averaged.Parent));
        Assert.Equal(["--ema", "0.999"], averaged.Options);
        Assert.Equal(0.863, fashion.Single(c => c.Epoch == 34 && c.Options.SequenceEqual(["--generator", "raw"]) && c.Table.StartsWith("with")).MeanConfidence);
        Assert.Equal(0.698, fashion.Single(c => c.Options.SequenceEqual(["--generator", "ema", "--truncation", "0.5"])).MeanConfidence);
        Assert.All(fashion.Where(c => c.Table.StartsWith("truncation")), c => Assert.Same(averaged, c.Branch));
        var truncatedAfterDecay = fashion.Single(c => c.Options.SequenceEqual(["--generator", "raw", "--truncation", "2.0"]) && c.Epoch == 35);
        Assert.Equal((0.855, "decay-over-35", 35), (truncatedAfterDecay.MeanConfidence, truncatedAfterDecay.Branch!.Name, truncatedAfterDecay.Branch.To));
        Assert.Same(averaged, truncatedAfterDecay.Branch.Parent);
        var decayed = fashion.Where(c => c.Branch?.Name == "decay-over-35-44").ToList();
        Assert.Equal(20, decayed.Count);
        Assert.Equal(["--lr-decay-epochs", "10"], decayed[0].Branch!.Options);
        Assert.Equal(0.864, decayed.Single(c => c.Epoch == 43 && c.Options.SequenceEqual(["--generator", "ema"])).MeanConfidence);
        var rejected = fashion.Single(c => c.Epoch == 12 && c.Options.SequenceEqual(["--generator", "raw", "--rejection", "0.99"]));
        Assert.Equal(0.860, rejected.MeanConfidence);
        var real = fashion.Where(c => c.OnRealImages && !c.OnTestImages).ToList();
        Assert.Equal(12, real.Count);
        Assert.Equal((0.943, 0.943, 0.86), (real[0].MeanConfidence, real[^1].MeanConfidence, real.Single(c => c.Class == 6).MeanConfidence));
        // The per-class table's real test images: np eval's confidence, the mean and ten classes.
        var test = fashion.Where(c => c.OnTestImages).ToList();
        Assert.Equal(11, test.Count);
        Assert.Equal((0.933, 0.82), (test[0].MeanConfidence, test.Single(c => c.Class == 6).MeanConfidence));
        Assert.All(test, c => Assert.True(c.OnRealImages && c.Options.Count == 0));
        Assert.Equal(0.72, fashion.Single(c => c.Epoch == 20 && c.Class == 6).MeanConfidence);
        Assert.Equal(0.858, fashion.Single(c => c.Epoch == 20 && c.Table.StartsWith("screens")).MeanConfidence);
        Assert.True(ExperimentsDocument.Generator("generator gmmn fashion-mnist").Along is [{ OnRealImages: true }]);

        var mixed = ExperimentsDocument.Generator("generator gan-mix20 fashion-mnist").Along;
        // 7 σ × 3 seeds, the screens at 20, 25, 30, 35 and 40 epochs, per class: the first table's row (11) and σ 1, 0.4 (10
        // each); and the screens of 10 components (6 and 20 epochs) and 40 (20), runs of their own.
        Assert.Equal(7 * 3 + 5 + 11 + 20 + 3 + 1, mixed.Count);
        Assert.Equal([20, 25, 30, 35, 40], mixed.Where(c => c.Branch is null && !c.OnRealImages).Select(c => c.Epoch).Distinct().Order());
        var screened = mixed.Where(c => c.Branch is not null).ToList();
        Assert.Equal([(6, "mixture-10", 0.837), (20, "mixture-10", 0.869), (20, "mixture-40", 0.868)],
            screened.Select(c => (c.Epoch, c.Branch!.Name, c.MeanConfidence)));
        Assert.Same(screened[0].Branch, screened[1].Branch);
        Assert.Equal((0, 20, null), (screened[2].Branch!.From, screened[2].Branch!.To, screened[2].Branch!.Parent));
        Assert.Equal(["--latent-mixture", "40"], screened[2].Branch!.Options);
        Assert.Equal(0.900, mixed.Single(c => c.Options.SequenceEqual(["--component-sd", "0.5", "--seed", "1"])).MeanConfidence);
        Assert.Equal(0.904, mixed.Single(c => c.Options.SequenceEqual(["--component-sd", "0.4", "--seed", "3"])).MeanConfidence);
        Assert.Equal(0.880, mixed.Single(c => c.Options.SequenceEqual(["--component-sd", "1", "--seed", "1"])).MeanConfidence);
        Assert.Equal((0.876, 0.879), (mixed.Single(c => c.Epoch == 20 && c.Branch is null).MeanConfidence, mixed.Single(c => c.Epoch == 35).MeanConfidence));
        Assert.Equal(0.87, mixed.Single(c => c.Class == 0 && c.Options.SequenceEqual(["--component-sd", "0.4"])).MeanConfidence);
        Assert.Equal(0.95, mixed.Single(c => c.Class == 8 && c.Options.Count == 0 && c.Table.StartsWith("per class")).MeanConfidence);
    }

    [Fact]
    public void The_screens_are_a_row_whose_variants_are_runs_of_its_command_with_their_options()
    {
        var screens = ExperimentsDocument.Generator("generator gan-screens fashion-mnist");
        Assert.Equal("np train gan --data fashion-mnist --epochs 6 --out fashion-mnist/gan-screen.ckpt", screens.Generator.CommandLine);
        Assert.Equal("np train lenet5 --data fashion-mnist --out fashion-mnist/lenet5.ckpt", screens.Judge.CommandLine);
        Assert.Equal(0.823, screens.MeanConfidence);
        Assert.Equal(["--generator", "ema"], screens.EvaluationOptions);
        // Width, two rates, smoothing, top-k and σ 0.5 at six epochs; σ 0.75 at twenty. The σ 1 mixtures are the mixture row's.
        Assert.Equal([
                (6, "screen-features-128", new[] { "--features", "128" }, 0.829),
                (6, "screen-lr-1e-4-discriminator-lr-4e-4", ["--lr", "1e-4", "--discriminator-lr", "4e-4"], 0.796),
                (6, "screen-label-smoothing-0.1", ["--label-smoothing", "0.1"], 0.826),
                (6, "screen-top-k-0.5", ["--top-k", "0.5"], 0.822),
                (6, "screen-latent-mixture-10-component-sd-0.5", ["--latent-mixture", "10", "--component-sd", "0.5"], 0.807),
                (20, "screen-latent-mixture-10-component-sd-0.75", ["--latent-mixture", "10", "--component-sd", "0.75"], 0.854),
            ],
            screens.Along.Select(c => (c.Epoch, c.Branch!.Name, c.Branch.Options.ToArray(), c.MeanConfidence)));
        Assert.All(screens.Along, c => Assert.Equal((0, c.Epoch, null), (c.Branch!.From, c.Branch.To, c.Branch.Parent)));
        Assert.All(screens.Along, c => Assert.Equal(["--generator", "ema"], c.Options));
        Assert.Equal(Figures(("lenet_fid", 109.4), ("classes_present", 9), ("mmd2", 0.1628)), screens.Along[4].Measures);   // "9 classes": no ratio
        Assert.Equal(Figures(("lenet_fid", 33.2), ("most_to_least", 1.55), ("mmd2", 0.0085)), screens.Along[1].Measures);

        static Dictionary<string, double> Figures(params (string Key, double Value)[] figures) => figures.ToDictionary(f => f.Key, f => f.Value);
    }

    [Fact]
    public void The_universality_table_is_read_width_by_width()
    {
        var rows = ExperimentsDocument.Universality;
        Assert.Equal([2, 5, 10, 20], rows.Select(r => r.Width));
        Assert.Equal([4.4e-2, 5.1e-3, 2.8e-4, 7.3e-5], rows.Select(r => r.Mse), (a, b) => Math.Abs(a - b) <= 1e-12);
    }

    [Fact]
    public void The_transform_function_rows_are_read_with_their_fit()
    {
        var rows = ExperimentsDocument.TransformFunctions;
        Assert.Equal(["transform-function exponential MMD", "transform-function exponential adversarial",
            "transform-function gaussian-mixture MMD", "transform-function gaussian-mixture adversarial"], rows.Select(r => r.Id));
        Assert.Equal((0.0126, 0.0267, "yes, decreasing"), (rows[0].Ks, rows[0].KsAt2000, rows[0].Monotone));
        Assert.Equal((0.0993, 0.0931, "no"), (rows[3].Ks, rows[3].KsAt2000, rows[3].Monotone));
    }

    [Fact]
    public void The_colorization_frontier_is_read_with_its_two_runs()
    {
        var f = ExperimentsDocument.Frontier;
        Assert.Equal(("colorize l1-64-d4", "colorize p2p-64-d4"), (f.Baseline.Id, f.Model.Id));
        Assert.Equal((0.0180, 0.0107, -0.051, 0.0300, 2.92), (f.BaselineError, f.Departure, f.Correlation, f.ModelError, f.PsnrGap));
        Assert.Equal([0.0, 0.5, 0.6, 0.7, 0.8, 1.0], f.Blends.Select(b => b.Alpha));
        Assert.Equal((23.86, 0.55), (f.Blends[0].Psnr, f.Blends[0].ColourfulnessRatio));
        Assert.Equal((22.38, 0.82), (f.Blends[2].Psnr, f.Blends[2].ColourfulnessRatio));
        Assert.Equal((92.1, 99.3), (f.FreshBaseline, f.FreshModel));
    }

    [Fact]
    public void The_grey_floors_are_read_at_the_size_of_the_colorizers_beside_them()
    {
        // One per results table that has a grey floor row: 32×32 (with the judge table's grey row) and 64×64.
        Assert.Equal(["grey floor 32", "grey floor 64"], ExperimentsDocument.GreyFloors.Select(g => g.Id));
        var small = ExperimentsDocument.GreyFloor("grey floor 32");
        Assert.Equal((32, "/work/shared/data/photos-64/test", 23.59, 0.926, 0.0, 95.9), (small.Size, small.TestFolder, small.Psnr, small.Ssim, small.Colourfulness, small.Fresh));
        Assert.Equal(new DocumentedJudge(95.9, 91.9, 100.0, 98.5), small.Judge);
        var full = ExperimentsDocument.GreyFloor("grey floor 64");
        Assert.Equal((64, 23.52, 0.938, 98.9), (full.Size, full.Psnr, full.Ssim, full.Fresh));
        Assert.Null(full.Judge);
    }

    [Fact]
    public void The_judge_table_gives_each_32px_colorizer_four_figures_and_agrees_with_the_results_table()
    {
        Assert.Equal(new DocumentedJudge(98.8, 98.3, 99.3, 98.7), ExperimentsDocument.Colorization("colorize p2p").Judge);
        Assert.Equal(new DocumentedJudge(93.6, 87.4, 99.8, 94.8), ExperimentsDocument.Colorization("colorize l1-16").Judge);
        Assert.Equal(["colorize l1", "colorize p2p", "colorize l1-16", "colorize p2p-16"],
            ExperimentsDocument.Colorizations.Where(c => c.Judge is not null).Select(c => c.Id));
        // The judge table's accuracy is the results table's fresh-discriminator column, row by row.
        Assert.All(ExperimentsDocument.Colorizations.Where(c => c.Judge is not null), c => Assert.Equal(c.Fresh, c.Judge!.Accuracy));
        var grey = ExperimentsDocument.GreyFloor("grey floor 32");
        Assert.Equal(grey.Fresh, grey.Judge!.Accuracy);
    }

    [Fact]
    public void The_colorizers_are_read_with_their_psnr_and_colourfulness()
    {
        var l1 = ExperimentsDocument.Colorization("colorize l1");
        Assert.Equal("np train colorize --loss l1 --data /work/shared/data/photos-64 --size 32 --ngf 32 --epochs 8 --out l1.ckpt", l1.Run.CommandLine);
        Assert.Equal(("/work/shared/data/photos-64/test", 23.25, 19.36), (l1.TestFolder, l1.Psnr, l1.Colourfulness));
        var patch = ExperimentsDocument.Colorization("colorize p2p-n1");   // "| **pix2pix, 16-pixel PatchGAN …** (`p2p-n1.ckpt`) | **21.85** |"
        Assert.Contains("--n-layers 1 --epochs 8", patch.Run.CommandLine);
        Assert.Equal((21.85, 29.24), (patch.Psnr, patch.Colourfulness));
        Assert.Equal((21.29, 30.74), (ExperimentsDocument.Colorization("colorize p2p").Psnr, ExperimentsDocument.Colorization("colorize p2p").Colourfulness));
        var resumed = ExperimentsDocument.Colorization("colorize p2p-16");   // 16 epochs: the 8-epoch p2p run, then --resume
        Assert.Equal(ExperimentsDocument.Colorization("colorize p2p").Run.CommandLine, resumed.Start?.CommandLine);
        Assert.Equal((20.28, 39.40), (resumed.Psnr, resumed.Colourfulness));
        Assert.Equal(["colorize l1-16", "colorize p2p-16"], ExperimentsDocument.Colorizations.Where(c => c.Start is not null).Select(c => c.Id));
    }

    [Fact]
    public void The_colorizers_other_figures_are_read_with_the_baseline_they_are_measured_against()
    {
        // The fresh discriminator's column: both results tables that have one (32×32: "50% = passes for real"; 64×64).
        Assert.Equal((94.0, 94.9), (ExperimentsDocument.Colorization("colorize l1").Fresh, ExperimentsDocument.Colorization("colorize p2p-n1").Fresh));
        Assert.Equal(97.4, ExperimentsDocument.Colorization("colorize p2p-64-n2-d4").Fresh);
        Assert.Null(ExperimentsDocument.Colorization("colorize p2p-64-lam800").Fresh);   // the λ table's empty cell
        Assert.Equal(97.8, ExperimentsDocument.Colorization("colorize p2p-64-lam1100").Fresh);
        Assert.Equal(["colorize l1", "colorize p2p", "colorize l1-16", "colorize p2p-16", "colorize p2p-n1", "colorize l1-64-d4", "colorize p2p-64-d4",
            "colorize p2p-64-n2-d4", "colorize p2p-64-n1-d4", "colorize p2p-64-lam1000", "colorize p2p-64-lam1100", "colorize p2p-64-lam1100-s2",
            "colorize p2p-64-lam1200"], ExperimentsDocument.Colorizations.Where(c => c.Fresh is not null).Select(c => c.Id));
        // The departure table's row names the run's checkpoint; the baseline is the L1-alone run of the same size, width and schedule.
        var n1 = ExperimentsDocument.Colorization("colorize p2p-64-n1-d4");
        Assert.Equal(new DocumentedDeparture(0.0180, 0.0082, -0.054, 0.0275, 2.72), n1.Departure);
        Assert.Equal("colorize l1-64-d4", n1.Baseline?.Id);
        var wide = ExperimentsDocument.Colorization("colorize p2p-64-g64");   // ngf 64: its own L1 alone
        Assert.Equal(("colorize l1-64-g64", -0.058, 2.99), (wide.Baseline?.Id, wide.Departure?.Correlation, wide.Departure?.PsnrGap));
        // The λ table: the gap and the correlation only, with "+" and "−" signs.
        var seed2 = ExperimentsDocument.Colorization("colorize p2p-64-lam1100-s2");
        Assert.Equal(("colorize l1-64-d4", 0.028, 1.10), (seed2.Baseline?.Id, seed2.Departure?.Correlation, seed2.Departure?.PsnrGap));
        Assert.True(double.IsNaN(seed2.Departure!.Departure));
        Assert.Equal(-0.007, ExperimentsDocument.Colorization("colorize p2p-64-lam800").Departure?.Correlation);
        // Every pix2pix run at 64×64 with the schedule has one; L1 alone and the 32×32 runs have none.
        Assert.Equal(12, ExperimentsDocument.Colorizations.Count(c => c.Departure is not null));
        Assert.All(ExperimentsDocument.Colorizations.Where(c => c.Departure is null), c => Assert.Null(c.Baseline));
    }

    [Fact]
    public void Nielsens_rows_are_read_with_their_shared_options_and_final_figures()
    {
        var nielsen = ExperimentsDocument.Runs.Where(r => r.Id.StartsWith("nielsen ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, nielsen.Count).Select(n => $"nielsen {n}"), nielsen.Select(r => r.Id));
        Assert.Equal(ExperimentsDocument.NielsenResultNumbers(), Enumerable.Range(1, nielsen.Count));

        var first = ExperimentsDocument.Run("nielsen 1");   // $S expanded, the "# 1" comment dropped
        Assert.Equal("np train mlp --recipe nielsen --layers 784,30,10 --activation sigmoid --cost quadratic --init normal --optimizer sgd --lr 3.0 --epochs 30 --data mnist --seed 1 --batch-size 10 --out ch1-30-quadratic.ckpt",
            first.CommandLine);
        Assert.Equal(91.95, first.Percent);
        Assert.Equal(84.10, ExperimentsDocument.Run("nielsen 2").Percent);      // "84.10 / 84.45 (seeds 2, 3: …)": the final, seed 1
        Assert.Equal(96.90, ExperimentsDocument.Run("nielsen 15").Percent);     // "**96.90 / 97.15**"
        var floor = ExperimentsDocument.Run("nielsen 18");
        Assert.Equal(96.10, floor.Percent);
        Assert.Contains("--momentum 0.9 --batch-size 64 --epochs 10", floor.CommandLine);
    }

    [Fact]
    public void The_convolutional_runs_agree_with_the_summary_table_above_them()
    {
        var runs = ExperimentsDocument.Runs.Where(r => r.Id.StartsWith("cnn ", StringComparison.Ordinal)).ToList();
        var summary = ExperimentsDocument.ConvolutionalSummary();
        Assert.Equal(summary.Count, runs.Count);
        for (int i = 0; i < runs.Count; i++)
        {
            Assert.True(summary[i].Percent == runs[i].Percent,
                $"{ExperimentsDocument.Path}: the summary gives {summary[i].Network} on {summary[i].Data} {summary[i].Percent} %, but the epoch table of {runs[i].Id} ends at {runs[i].Percent} %");
            Assert.StartsWith(runs[i].Arguments[1], summary[i].Network.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), StringComparison.Ordinal);
        }
        Assert.Contains(runs, r => r.Id == "cnn lenet5 mnist" && r.Percent == 98.15 && !r.NeedsFashionMnist);
        Assert.Contains(runs, r => r.Id == "cnn lenet5 fashion-mnist" && r.Percent == 90.53 && r.NeedsFashionMnist);
    }

    [Fact]
    public void The_recipe_rows_are_the_bare_commands()
    {
        var recipes = ExperimentsDocument.Runs.Where(r => r.Id.StartsWith("recipe ", StringComparison.Ordinal)).ToList();
        Assert.Contains(recipes, r => r.CommandLine == "np train mlp" && r.Percent == 96.10);
        Assert.Contains(recipes, r => r.CommandLine == "np train lenet5 --data mnist" && r.Percent == 98.15);
        Assert.Contains(recipes, r => r.CommandLine == "np train lenet5 --data fashion-mnist" && r.Percent == 90.53);
    }

    [Fact]
    public void Every_row_has_a_tolerance_within_the_issues_two_points_unless_the_doc_shows_it_unstable()
    {
        foreach (var run in ExperimentsDocument.Runs)
            Assert.True(DocumentedAccuracyTests.Tolerance(run) <= 2.0 || DocumentedAccuracyTests.Unstable.ContainsKey(run.Id),
                $"{run.Id}: ±{DocumentedAccuracyTests.Tolerance(run)} points would let a 2-point regression pass");
    }
}
