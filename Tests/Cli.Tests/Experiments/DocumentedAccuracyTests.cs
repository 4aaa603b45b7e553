using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>The long accuracy tier (NP_LONG_TESTS=1): every result row of docs/EXPERIMENTS.md is trained again with the
/// exact command the doc gives (through <c>np train … --json</c>, in-process) and its final test accuracy must land within
/// <see cref="Tolerance"/> of the documented figure; each generator row (MNIST and Fashion-MNIST), its mean confidence within
/// <see cref="ConfidencePoints"/>. Hours on two cores; one row:
/// <c>NP_LONG_TESTS=1 dotnet test Tests/Cli.Tests --filter "DisplayName~nielsen 18"</c>.</summary>
/// <remarks>
/// How the tolerance was chosen. The same command, seed and code give the same figure to the last digit (runs are
/// deterministic for a given thread count, and the GEMM gives the same bits on one and two threads). What moves a figure
/// without a defect is arithmetic done in another order (a kernel rewrite, another core count where the convolution
/// kernels split their work differently). The seed spread is taken as its bound: another seed changes the initial weights
/// and the batch order, a reordering only the last bits of some sums, which a run amplifies at most into another seed's
/// trajectory. Measured on the 2-core Xeon (family 6 model 207) on 2026-11-30, final test accuracy:
/// row 18 with seeds 1, 2, 3: 96.10, 95.80, 95.15 % (spread 0.95); row 3 with seeds 1 and 2: 92.40, 92.60 % (and row 3's
/// seed 1 gave 92.30 % when the doc was written, before the kernels changed: 0.10 of pure reordering). The doc adds LeNet-5
/// on Fashion-MNIST, seeds 1 and 2: 90.53, 90.73 %, and a reordering alone moving it by 0.31. So ±1.5 points: half again
/// the largest seed spread seen on a stable row, and still short of the 2-point regression issue 16 asks to catch. Rows
/// the doc itself shows swinging further between seeds get a wider band, named in <see cref="Unstable"/> with the figures.
/// </remarks>
public class DocumentedAccuracyTests(ITestOutputHelper output)
{
    public const double Points = 1.5;

    /// <summary>Rows whose documented seeds differ by more than the default band, and why.</summary>
    public static readonly IReadOnlyDictionary<string, (double Points, string Why)> Unstable = new Dictionary<string, (double, string)>
    {
        ["nielsen 2"] = (10.0, "quadratic cost with saturated sigmoid outputs: seeds 1, 2, 3 gave 84.10, 74.35, 76.35 (note A)"),
    };

    public static double Tolerance(DocumentedRun run) => Unstable.TryGetValue(run.Id, out var wide) ? wide.Points : Points;

    public static TheoryData<string> MnistRows => Rows(fashion: false);
    public static TheoryData<string> FashionMnistRows => Rows(fashion: true);

    private static TheoryData<string> Rows(bool fashion)
    {
        var rows = new TheoryData<string>();
        foreach (var run in ExperimentsDocument.Runs.Where(r => r.NeedsFashionMnist == fashion)) rows.Add(run.Id);
        return rows;
    }

    [LongTheory, MemberData(nameof(MnistRows))]
    public void A_documented_mnist_row_reproduces_its_accuracy(string row) => Rerun(row);

    [LongTheory(needsSystemFashionMnist: true), MemberData(nameof(FashionMnistRows))]
    public void A_documented_fashion_mnist_row_reproduces_its_accuracy(string row) => Rerun(row);

    /// <summary>How far a generator's mean confidence may land from its documented figure. The GAN's samples drawn with seeds
    /// 2 and 3 gave 0.911 and 0.907 against 0.908, and its 35- to 50-epoch checkpoints 0.901–0.908 (the doc); another
    /// training seed was not measured (one GAN run is 93 minutes here). ±0.02 is five times the sample-seed spread.</summary>
    public const double ConfidencePoints = 0.02;

    /// <summary>How far each other figure of a generator table may land from the documented one: a share of it (MMD², most ÷
    /// least, LeNet FID) or nats (Parzen). Chosen as for the confidence, about five times what the sample seed alone
    /// moves each: the mixture run's σ table gives three sample seeds per figure (σ 1: FID 4.03–4.33, ±3.6 % about the
    /// middle; MMD² 0.0041–0.0045, ±4.7 %; most ÷ least 1.53–1.58, and 1.91–2.12 at σ 0.7, ±5.2 %), and a Parzen figure's
    /// standard error over the test images is 2 nats on Fashion-MNIST, 4 on MNIST. A generator that lost a class or
    /// half its likeness moves these by far more (the GMMN's FID from 100 to 200 epochs: 83.3 → 56.9). Where a row gives
    /// the classes drawn in place of a ratio ("9 classes", a generator that collapsed), that count may move by one: which
    /// garments a collapsing run loses is not repeatable to the class.</summary>
    public static readonly IReadOnlyDictionary<string, (double Band, bool Relative)> MeasureBands = new Dictionary<string, (double, bool)>
    {
        ["mmd2"] = (0.25, true),
        ["most_to_least"] = (0.25, true),
        ["lenet_fid"] = (0.20, true),
        ["parzen_log_likelihood"] = (10.0, false),
        ["classes_present"] = (1.0, false),
    };

    /// <summary>The same for the GAN rows (<c>np train gan</c>), whose adversarial runs move further on another trajectory
    /// than the sample seed does. Measured: the MNIST GAN trained again on 2026-12-01 (Zen 5, family 26 model 2, that day's
    /// kernels) against the doc's run (the Xeon, 2026-11-30, before the kernel changes), epochs 25–50: MMD² from −16 % to
    /// +76 % (0.0193 against 0.0110 at 45 epochs; the doc's own run moved between 0.0110 and 0.0137 over those epochs),
    /// most ÷ least from −22 % to +14 %, FID from −7 % to +10 %, Parzen from −8.1 to +1.4 nats, while every confidence
    /// stayed within 0.004. Half again the largest move, as the accuracy rows' bands: MMD² ±115 %, most ÷ least ±35 %,
    /// FID ±20 % (as above), Parzen ±12 nats. On a GAN row the MMD² band thus catches only a generator more than twice as
    /// far from the data; collapse shows first in most ÷ least (∞ when a class is never drawn) and in FID.</summary>
    public static readonly IReadOnlyDictionary<string, (double Band, bool Relative)> AdversarialMeasureBands = new Dictionary<string, (double, bool)>
    {
        ["mmd2"] = (1.15, true),
        ["most_to_least"] = (0.35, true),
        ["lenet_fid"] = (0.20, true),
        ["parzen_log_likelihood"] = (12.0, false),
        ["classes_present"] = (1.0, false),
    };

    /// <summary>Whether <paramref name="actual"/> lies within <paramref name="key"/>'s band (<see cref="MeasureBands"/>, or
    /// <see cref="AdversarialMeasureBands"/> for a GAN's samples) of <paramref name="documented"/>, and the band as text.</summary>
    public static (bool Ok, string Band) WithinMeasureBand(string key, double documented, double actual, bool adversarial = false)
    {
        var (band, relative) = (adversarial ? AdversarialMeasureBands : MeasureBands)[key];
        double allowed = relative ? band * Math.Abs(documented) : band;
        return (Math.Abs(actual - documented) <= allowed, relative ? $"±{100 * band:F0} %" : $"±{band}");
    }

    public static TheoryData<string> MnistGeneratorRows => GeneratorRows(fashion: false);
    public static TheoryData<string> FashionMnistGeneratorRows => GeneratorRows(fashion: true);

    private static TheoryData<string> GeneratorRows(bool fashion)
    {
        var rows = new TheoryData<string>();
        foreach (var g in ExperimentsDocument.Generators.Where(g => g.Generator.NeedsFashionMnist == fashion)) rows.Add(g.Id);
        return rows;
    }

    [LongTheory, MemberData(nameof(MnistGeneratorRows))]
    public void A_documented_mnist_generator_reproduces_its_mean_confidence(string row) => RerunGenerator(row);

    [LongTheory(needsSystemFashionMnist: true), MemberData(nameof(FashionMnistGeneratorRows))]
    public void A_documented_fashion_mnist_generator_reproduces_its_mean_confidence(string row) => RerunGenerator(row);

    /// <summary>Trains the generator and its LeNet-5 judge with the doc's commands, then scores the generator's samples
    /// with <c>np evaluate-generator</c> on the judge's data. Each row trains its own judge: the tier is hours long either
    /// way, and a shared judge would make one row's result depend on which ran first. A row whose run the doc measures at
    /// other epochs or with other sampling options too (<see cref="DocumentedGenerator.Along"/>) is trained as a
    /// <c>--resume</c> chain through those epochs (the same bits as one unbroken run, however far past the row's own
    /// epochs it goes) and checked at each; the row's own figure when the chain passes its epoch count. The branches
    /// the doc resumed from the run with other options are then trained from the chain's (or their parent branch's) file
    /// with <c>--keep-epochs</c>, and checked at each of their epochs.</summary>
    private void RerunGenerator(string row)
    {
        var g = ExperimentsDocument.Generator(row);
        using var folder = new TempFolder();
        string judge = g.Judge.CheckpointIn(folder.Path), model = g.Generator.CheckpointIn(folder.Path);
        ClassicCli.Json(g.Judge.ArgumentsWritingTo(folder.Path));
        var failures = new List<string>();
        var evaluations = new Dictionary<string, System.Text.Json.JsonElement>();
        void Check(double expected, string? checkpoint, IReadOnlyList<string> options, int? @class, string what,
            IReadOnlyDictionary<string, double>? measures = null, bool testImages = false)
        {
            // The tables measured the raw generators (the MNIST GAN's before it kept a moving average), except where a
            // row names its options. The average is only read, never fed back into training, so the raw generator of
            // today's recipe is the same network bit for bit. One evaluation serves every figure read from it. The judge
            // on the test images is np eval's confidence.
            string key = testImages ? "eval" : $"{checkpoint} {string.Join(' ', options)}";
            if (!evaluations.TryGetValue(key, out var report))
                evaluations[key] = report = testImages ? ClassicCli.Json("eval", "--model", judge, "--data", g.Generator.Data)
                    : ClassicCli.Json(["evaluate-generator", .. checkpoint is null ? [] : new[] { "--model", checkpoint },
                        "--classifier", judge, "--data", g.Generator.Data, .. options]);
            double confidence = @class is int c ? report.GetProperty("class_confidence")[c].GetDouble() : report.GetProperty("mean_confidence").GetDouble();
            bool ok = Math.Abs(confidence - expected) <= ConfidencePoints;
            output.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}: {(@class is null ? "mean confidence" : $"class {@class} confidence")} {confidence:F4} (documented {expected:F3}, ±{ConfidencePoints})");
            if (!ok) failures.Add($"{what}: {confidence:F4}, documented {expected:F3}");
            foreach (var (measure, documented) in measures ?? new Dictionary<string, double>())
            {
                // most_to_least is null when a class was never drawn: then no band holds.
                var value = report.GetProperty(measure);
                double actual = value.ValueKind == System.Text.Json.JsonValueKind.Number ? value.GetDouble() : double.PositiveInfinity;
                var (within, band) = WithinMeasureBand(measure, documented, actual, adversarial: checkpoint is not null && g.Generator.Arguments[1] == "gan");
                output.WriteLine($"{(within ? "ok  " : "FAIL")} {what}: {measure} {actual:G4} (documented {documented:G4}, {band})");
                if (!within) failures.Add($"{what}: {measure} {actual:G4}, documented {documented:G4} ({band})");
            }
        }
        static string Epoch(int e) => e.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Copied(int epoch) => Path.Combine(folder.Path, $"at{epoch}.ckpt");
        string BranchFile(DocumentedBranch b) => Path.Combine(folder.Path, b.Name + ".ckpt");
        string At(DocumentedBranch? b, int epoch) => b is null ? Copied(epoch) : Path.ChangeExtension(BranchFile(b), $".epoch{Epoch(epoch)}.ckpt");

        var branches = g.Along.Select(c => c.Branch).OfType<DocumentedBranch>().SelectMany(b => Lineage(b)).Distinct().OrderBy(b => b.Depth).ToList();
        var args = g.Generator.ArgumentsWritingTo(folder.Path).ToList();
        int at = args.IndexOf("--epochs");
        int? final = at >= 0 ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
        var onRun = g.Along.Where(c => c.Branch is null && !c.OnRealImages).ToList();
        var roots = branches.Where(b => b.Parent is null && b.From > 0).Select(b => b.From).ToHashSet();
        var links = onRun.Select(c => c.Epoch).Concat(roots).Concat(final is { } f ? [f] : []).Distinct().Order().ToList();
        if (links.Count == 0) ClassicCli.Json([.. args]);
        for (int i = 0; i < links.Count; i++)
        {
            if (i == 0)
            {
                if (at >= 0) args.RemoveRange(at, 2);
                ClassicCli.Json([.. args, "--epochs", Epoch(links[0])]);
            }
            else ClassicCli.Json("train", "--resume", model, "--data", g.Generator.Data, "--epochs", Epoch(links[i]));
            evaluations.Clear();   // the row's file now holds another epoch
            if (roots.Contains(links[i])) File.Copy(model, Copied(links[i]));
            foreach (var c in onRun.Where(c => c.Epoch == links[i])) Check(c.MeanConfidence, model, c.Options, c.Class, c.Table, c.Measures);
            if (links[i] == final) CheckRow();
        }
        if (final is null) CheckRow();
        void CheckRow() => Check(g.MeanConfidence, model, g.EvaluationOptions, null, $"{g.Id}: `{g.Generator.CommandLine}` judged by `{g.Judge.CommandLine}`", g.Measures);

        foreach (var b in branches)
        {
            if (b.From == 0) ClassicCli.Json([.. Replacing(args, [.. b.Options, "--out", BranchFile(b), "--epochs", Epoch(b.To)]), "--keep-epochs"]);
            else ClassicCli.Json(["train", "--resume", At(b.Parent, b.From), "--data", g.Generator.Data, "--epochs", Epoch(b.To), "--keep-epochs", "--out", BranchFile(b), .. b.Options]);
            foreach (var c in g.Along.Where(c => c.Branch == b).OrderBy(c => c.Epoch)) Check(c.MeanConfidence, At(b, c.Epoch), c.Options, c.Class, $"{b.Name}: {c.Table}", c.Measures);
        }
        foreach (var c in g.Along.Where(c => c.OnRealImages)) Check(c.MeanConfidence, null, c.Options, c.Class, c.Table, c.Measures, c.OnTestImages);
        Assert.True(failures.Count == 0, $"{g.Id}: {failures.Count} documented figures not reproduced within their bands (confidence ±{ConfidencePoints}):\n" + string.Join('\n', failures));

        static IEnumerable<DocumentedBranch> Lineage(DocumentedBranch b) => b.Parent is null ? [b] : [.. Lineage(b.Parent), b];
    }

    /// <summary><paramref name="args"/> with each option of <paramref name="options"/> (name, value pairs) in place of its
    /// own of the same name, or added.</summary>
    private static List<string> Replacing(IReadOnlyList<string> args, IReadOnlyList<string> options)
    {
        var result = args.ToList();
        for (int i = 0; i < options.Count; i += 2)
        {
            int at = result.IndexOf(options[i]);
            if (at >= 0) result[at + 1] = options[i + 1];
            else result.AddRange([options[i], options[i + 1]]);
        }
        return result;
    }

    private void Rerun(string row)
    {
        var run = ExperimentsDocument.Run(row);
        using var folder = new TempFolder();
        var json = ClassicCli.Json(run.ArgumentsWritingTo(folder.Path));
        double percent = 100 * json.GetProperty("test_accuracy").GetDouble(), tolerance = Tolerance(run);
        output.WriteLine($"{run.CommandLine}: {percent:F2} % (documented {run.Percent:F2} %, ±{tolerance}), {json.GetProperty("train_seconds").GetDouble():F0} s of training");
        Assert.True(Math.Abs(percent - run.Percent) <= tolerance,
            $"{run.Id}: `{run.CommandLine}` reached {percent:F2} %; docs/EXPERIMENTS.md says {run.Percent:F2} % (tolerance ±{tolerance} points)");
    }
}
