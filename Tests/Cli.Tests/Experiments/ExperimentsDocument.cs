using System.Globalization;
using System.Text.RegularExpressions;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>Reads the result rows of docs/EXPERIMENTS.md: the long accuracy tier runs exactly what the doc says, so the two
/// cannot drift apart. Five kinds of row carry a figure measured with the <c>np train</c> commands the doc gives, and a
/// sixth with the benchmark's <c>transform-function</c> run:</summary>
/// <remarks>
/// - Nielsen's rows: the "## Results" table (# | experiment | final / peak | …) and the "## Commands" block, whose lines
///   end in <c># N</c> and use <c>$S</c> for the shared options;
/// - the recipes table: <c>| `np train …` | recipe | **96.10 %** | …</c>;
/// - the convolutional networks: each "###" run under "## Convolutional networks" has a command block followed by an
///   epoch table whose first "| test %" row ends in the bold final figure;
/// - the generators on MNIST and Fashion-MNIST: the generative section's Commands block (a LeNet-5 judge, then each
///   generator, per data set) and the mean confidence and other figures (MMD², most ÷ least, FID, Parzen) of the
///   "### MNIST" or "### Fashion-MNIST" table;
/// - the colorizers: each <c>np train colorize</c> command of the pix2pix section (a <c>--resume</c> one with the command
///   it continues) and the results row naming its checkpoint (PSNR and colourfulness on the held-out photos, and the
///   fresh discriminator where the table has it), with the departure table's row or the λ table's columns naming it;
/// - the learned transform functions: the table under "## Generative models: a learned transform function" (KS statistics
///   and monotonicity of <see cref="Models.Generative.TransformFunction.TransformFunctionOptions.Documented"/>'s run).
/// The <c>np train</c> lines that are not rerun say why in <see cref="Unchecked"/>.
/// </remarks>
public static partial class ExperimentsDocument
{
    public static string Path => Repository.Doc("EXPERIMENTS.md");

    private static readonly Lazy<string[]> s_lines = new(() => File.ReadAllLines(Path));

    public static IReadOnlyList<DocumentedRun> Runs => s_runs.Value;
    private static readonly Lazy<IReadOnlyList<DocumentedRun>> s_runs = new(() => [.. Nielsen(), .. Recipes(), .. Convolutional()]);

    public static DocumentedRun Run(string id) =>
        Runs.SingleOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"{Path} has no row '{id}'.");

    /// <summary>Every <c>np train</c> command in the doc (in code blocks, continuation lines joined, and in backticks in
    /// tables), each with the section it is in.</summary>
    public static IReadOnlyList<(string Section, string Command)> AllTrainCommands()
    {
        var found = new List<(string, string)>();
        foreach (var (section, line) in CodeLines())
            if (line.StartsWith("np train ", StringComparison.Ordinal)) found.Add((section, StripComment(line)));
        string current = "";
        foreach (var line in s_lines.Value)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) current = line;
            if (line.StartsWith('|'))
                foreach (Match m in BacktickedTrain().Matches(line)) found.Add((current, m.Groups[1].Value));
        }
        return found;
    }

    /// <summary>The row numbers of Nielsen's Results table, in order.</summary>
    public static IReadOnlyList<int> NielsenResultNumbers() => NielsenFigures().Keys.ToArray();

    private static Dictionary<int, double> NielsenFigures()
    {
        var figures = new Dictionary<int, double>();
        foreach (var line in Section("## Results"))
            if (NielsenResultRow().Match(line) is { Success: true } m)
                figures[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = FirstNumber(m.Groups[2].Value, line);
        return figures;
    }

    private static IEnumerable<DocumentedRun> Nielsen()
    {
        var figures = NielsenFigures();
        string shared = "";
        foreach (var (section, line) in CodeLines())
        {
            if (section != "## Commands") continue;
            if (SharedOptions().Match(line) is { Success: true } s) shared = s.Groups[1].Value;
            if (NielsenCommand().Match(line) is not { Success: true } c) continue;
            int row = int.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture);
            if (!figures.TryGetValue(row, out var percent)) throw new InvalidDataException($"{Path}: command # {row} has no row {row} in the Results table.");
            yield return new DocumentedRun($"nielsen {row}", section, Split(c.Groups[1].Value.Replace("$S", shared, StringComparison.Ordinal)), percent);
        }
    }

    private static IEnumerable<DocumentedRun> Recipes()
    {
        foreach (var line in Section("## Recipes"))
            if (RecipeRow().Match(line) is { Success: true } m)
            {
                var args = Split(m.Groups[1].Value);
                yield return new DocumentedRun("recipe " + string.Join(' ', args.Skip(1)), Heading("## Recipes"), args, Parse(m.Groups[2].Value));
            }
    }

    private static IEnumerable<DocumentedRun> Convolutional()
    {
        string section = Heading("## Convolutional networks"), heading = "";
        DocumentedRun? pending = null;
        foreach (var (line, code) in Joined(Section("## Convolutional networks")))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal)) { heading = line; pending = null; }
            else if (code && line.StartsWith("np train ", StringComparison.Ordinal))
            {
                var args = Split(line);
                string data = args[args.IndexOf("--data") + 1];
                pending = new DocumentedRun($"cnn {args[1]} {System.IO.Path.GetFileName(data)}", section, args, double.NaN);
            }
            else if (pending is not null && line.StartsWith("| test %", StringComparison.Ordinal))
            {
                var bold = BoldFigure().Match(line);
                if (!bold.Success) throw new InvalidDataException($"{Path}: under \"{heading}\" the test % row has no bold final figure: {line}");
                yield return pending with { Percent = Parse(bold.Groups[1].Value) };
                pending = null;
            }
        }
    }

    /// <summary>The np train commands the long tier does not rerun: (the start of their section, a piece of the command, why).</summary>
    public static readonly IReadOnlyList<(string Section, string Fragment, string Why)> Unchecked =
    [
        (ExperimentsDocument.GeneratorSection, "np train gan --data fashion-mnist --epochs 2 --out",
            "the first link of the Fashion-MNIST GAN's --resume chain as it was run; the Commands block's `--epochs 20` line, which ends on the same bits, is the row"),
        (ExperimentsDocument.GeneratorSection, "np train --resume fashion-mnist/gan.ckpt",
            "the links of the Fashion-MNIST GAN's --resume chain as they were run: the row's own chain (ChecksAlong) retrains it to 26 epochs, then the average begun at 27 (--resume --ema 0.999 to 34) and the two decays off 34 as branches (--keep-epochs), and checks every figure of their tables on the way"),
        (ExperimentsDocument.GeneratorSection, "np train gan --data fashion-mnist --epochs 3 --out fashion-mnist/gan-drs.ckpt",
            "the rejection-sampling run: the Commands block's `--epochs 20` line (the row) in three links, to keep epochs 3 and 12; its figures are np evaluate-generator --rejection's"),
        (ExperimentsDocument.GeneratorSection, "np train --resume fashion-mnist/gan-drs.ckpt",
            "the rejection-sampling run's later links, to epochs 12 and 20 (the row's bits at 20)"),
        (ExperimentsDocument.GeneratorSection, "np train gan --data fashion-mnist --latent-mixture 20 --epochs 20 --out",
            "the mixture-latent run's first link as it was run; the Commands block's `--epochs 40` line, which ends on the same bits, is the row"),
        (ExperimentsDocument.GeneratorSection, "np train --resume fashion-mnist/gan-mix20.ckpt",
            "the mixture-latent run's second link, to 40 epochs (the row's bits)"),
    ];

    /// <summary>True when <paramref name="command"/> of <paramref name="section"/> is one of <see cref="Unchecked"/>.</summary>
    public static bool IsUnchecked(string section, string command) => Unchecked.Any(u => Names(u, section, command));

    /// <summary>True when the <see cref="Unchecked"/> entry <paramref name="u"/> names <paramref name="command"/> of <paramref name="section"/>.</summary>
    public static bool Names((string Section, string Fragment, string Why) u, string section, string command) =>
        section.StartsWith(u.Section, StringComparison.Ordinal) && command.Contains(u.Fragment, StringComparison.Ordinal);

    public static IReadOnlyList<DocumentedGenerator> Generators => s_generators.Value;
    private static readonly Lazy<IReadOnlyList<DocumentedGenerator>> s_generators =
        new(() =>
        {
            var fashion = GeneratorsOn("fashion-mnist", "### Fashion-MNIST").ToList();
            return [.. GeneratorsOn("mnist", "### MNIST"), .. fashion, Screens(fashion[0].Judge)];
        });

    public static DocumentedGenerator Generator(string id) =>
        Generators.SingleOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"{Path} has no generator row '{id}'.");

    public const string GeneratorSection = "## Generative models on MNIST";

    /// <summary>The generative section's rows on one data set: its Commands block trains a LeNet-5 judge and each generator
    /// on <c>--data <paramref name="dataset"/></c>; the table under <paramref name="table"/> gives each generator's mean
    /// confidence (its fourth figure, the first row that names the model) and its other figures by column name, and the
    /// "real training images" row the same for the judge on real images (a <c>--real</c> check). Commands that
    /// <see cref="Unchecked"/> lists (the Fashion-MNIST GAN's --resume chain) are not rows.</summary>
    private static IEnumerable<DocumentedGenerator> GeneratorsOn(string dataset, string table)
    {
        string section = Heading(GeneratorSection);
        var commands = CodeLines().Where(c => c.Section == section && c.Line.StartsWith("np train ", StringComparison.Ordinal))
            .Where(c => !IsUnchecked(c.Section, c.Line))
            .Select(c => Split(c.Line)).Where(a => a.IndexOf("--data") is int d && d >= 0 && a[d + 1] == dataset)
            .Where(a => !a.SequenceEqual(ScreensCommand())).ToList();
        var judge = commands.FirstOrDefault(a => a[1] == "lenet5")
            ?? throw new InvalidDataException($"{Path}: \"{section}\" trains no LeNet-5 judge on {dataset}.");
        var judgeRun = new DocumentedRun($"judge lenet5 {dataset}", section, judge, double.NaN);
        var confidence = new Dictionary<string, (double Figure, string[] Sampling, IReadOnlyDictionary<string, double> Measures)>();
        bool inTable = false;
        string[]? header = null;
        foreach (var line in Section(GeneratorSection))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal)) inTable = line.StartsWith(table, StringComparison.Ordinal);
            if (!inTable || !line.StartsWith("| ", StringComparison.Ordinal)) continue;
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length > 1 && cells[1] == "model") header = cells;
            if (cells.Length <= 5 || Number().Match(cells[5]) is not { Success: true } m) continue;
            // "GAN, mixture of 20, `--component-sd 0.4`": the name, then the options it was measured with.
            int tick = cells[1].IndexOf('`');
            string name = tick < 0 ? cells[1] : cells[1][..tick].TrimEnd(' ', ',');
            string[] sampling = tick < 0 ? [] : cells[1][(tick + 1)..].TrimEnd('`').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            confidence.TryAdd(name, (Parse(m.Value), sampling,
                MeasuresIn(header ?? throw new InvalidDataException($"{Path}: the \"{table}\" table has no \"| model |\" header."), cells)));
        }
        // The judge on real training images: the floor (MMD², FID) or ceiling (confidence, Parzen) the rows are read beside.
        var real = confidence.TryGetValue("real training images", out var realRow)
            ? new DocumentedCheck(0, ["--real"], realRow.Figure, $"{table}: real training images", Measures: realRow.Measures)
            : throw new InvalidDataException($"{Path}: the \"{table}\" table has no \"real training images\" row.");
        foreach (var args in commands.Where(a => a[1] != "lenet5"))
        {
            int mixture = args.IndexOf("--latent-mixture");
            string suffix = mixture >= 0 ? $"-mix{args[mixture + 1]}" : "";
            string name = args[1] switch { "gan" => "GAN", "gmmn" => "GMMN", "gmmn-ae" => "GMMN+AE", var other => other }
                + (mixture >= 0 ? $", mixture of {args[mixture + 1]}" : "");
            if (!confidence.TryGetValue(name, out var row))
                throw new InvalidDataException($"{Path}: the \"{table}\" table of \"{section}\" has no row '{name}' for np {string.Join(' ', args)}.");
            string id = $"generator {args[1]}{suffix} {dataset}";
            yield return new DocumentedGenerator(id, new DocumentedRun(id, section, args, double.NaN), judgeRun, row.Figure, row.Sampling,
                [.. ChecksAlong(id), real], row.Measures);
        }
    }

    /// <summary>The heading of the Fashion-MNIST GAN's screens of training-time variants.</summary>
    public const string ScreensHeading = "#### Where the confidence is lost, and five training-time variants screened";

    /// <summary>The screens' own command: the recipe's short run that each variant adds its options to (the one
    /// <c>np train</c> line in a code block under <see cref="ScreensHeading"/>).</summary>
    private static List<string> ScreensCommand() => s_screensCommand.Value;
    private static readonly Lazy<List<string>> s_screensCommand = new(() =>
    {
        bool inside = false;
        foreach (var (line, code) in Joined(Section(GeneratorSection)))
        {
            if (!code && line.StartsWith("#### ", StringComparison.Ordinal)) inside = line.StartsWith(ScreensHeading, StringComparison.Ordinal);
            if (inside && code && line.StartsWith("np train ", StringComparison.Ordinal)) return Split(line);
        }
        throw new InvalidDataException($"{Path}: \"{ScreensHeading}\" has no np train command in a code block.");
    });

    /// <summary>The screens as a generator row: its command (the recipe for six epochs) is the row, judged through the
    /// average by the Fashion-MNIST rows' <paramref name="judge"/>, with the figure of the table's "the recipe" row. Each other row of the two
    /// screen tables that names options in backticks other than a lone <c>--latent-mixture K</c> (the mixtures of σ 1,
    /// and the mixture of 20 continued with <c>--resume</c>, which the mixture row's run checks) is a run of that command from scratch with those options, checked at the
    /// table's epochs (6, or 20 for "| 20 epochs |").</summary>
    private static DocumentedGenerator Screens(DocumentedRun judge)
    {
        const string sixEpochs = "| variant (options) | mean confidence |", twentyEpochs = "| 20 epochs | mean confidence |";
        var args = ScreensCommand();
        var recipe = Table(sixEpochs).Single(r => r[0].StartsWith("the recipe", StringComparison.Ordinal));
        var along = new List<DocumentedCheck>();
        foreach (var (header, epochs) in new[] { (sixEpochs, 6), (twentyEpochs, 20) })
            foreach (var row in Table(header))
            {
                var options = Backticked(row[0]);
                // Not the mixtures of σ 1 nor the mixture of 20 continued with --resume: the mixture row's run checks those.
                if (options.Length == 0 || options is ["--latent-mixture", _] || options.Contains("--resume")) continue;
                if (options.Length % 2 != 0 || options.Where((_, i) => i % 2 == 0).Any(o => !o.StartsWith("--", StringComparison.Ordinal)))
                    throw new InvalidDataException($"{Path}: the screens' row \"{row[0]}\" should name option-value pairs in backticks.");
                string name = "screen" + string.Concat(options.Select(o => "-" + o.TrimStart('-')));
                var run = new DocumentedBranch(name, null, 0, epochs, options);
                along.Add(new DocumentedCheck(epochs, ["--generator", "ema"], FirstNumber(row[1].Replace("**", ""), row[0]), $"screens: {row[0]}", run,
                    Measures: MeasuresIn(HeaderOf(header), row)));
            }
        const string id = "generator gan-screens fashion-mnist";
        return new DocumentedGenerator(id, new DocumentedRun(id, Heading(GeneratorSection), args, double.NaN), judge,
            FirstNumber(recipe[1].Replace("**", ""), recipe[0]), ["--generator", "ema"], along, MeasuresIn(HeaderOf(sixEpochs), recipe));
    }

    /// <summary>The figures the generative section gives for a generator row's run besides the row itself, read from its
    /// tables (each found by the start of its header, and required to be there):</summary>
    /// <remarks>
    /// - MNIST tuning ("| run | MMD² (÷ floor)"): "GAN, 25 epochs …" and "GMMN, 100 epochs …", the raw generator of
    ///   the recipe's run after that many epochs;
    /// - Fashion-MNIST by epoch ("| epochs | MMD² | most/least | mean confidence"): the recipe's raw generator after 1 to 26
    ///   epochs; with a moving average ("| epochs | generator | MMD² |"): from 27 to 34 epochs a branch resumed from the
    ///   26-epoch file with a new average (<c>--ema 0.999</c>), both generators, and the ablation row with its backticked
    ///   <c>--average-statistics raw</c>; truncated ("| T | generator |"): that branch at 34 epochs with <c>--truncation T</c>; the two decay
    ///   tables ("| epochs | generator | classes | most/least (most, least)"): branches off its 34-epoch file with
    ///   <c>--lr-decay-epochs 1</c> to 35 and <c>10</c> to 44;
    /// - rejection sampling ("| epoch | generator | P |"): the same run (the recipe's, with its average from the first
    ///   step) after 3, 12 and 20 epochs, through either generator, plain or with <c>--rejection P</c>;
    /// - per class ("| images | mean |"): the judge on real training images (<c>--real</c>) and on the real test images
    ///   (<c>np eval</c>, <see cref="DocumentedCheck.OnTestImages"/>), the recipe after 20 epochs and the mixture run
    ///   after 40, each class's figure (<c>class_confidence</c>) and the mean;
    /// - the screens ("| variant (options) |", "| 20 epochs |"): their recipe row at 20 epochs along the recipe's run, and
    ///   the mixtures of σ 1 along the mixture row's (20 components to 40 epochs; 10 and 40 as runs of their own); the
    ///   other variants are the screens' own row (<see cref="Screens"/>);
    /// - the mixture latent ("| σ at sampling |"): the 40-epoch mixture run with <c>--component-sd σ</c> and sample seeds
    ///   1, 2, 3, one per figure of a cell; and its per-class table ("| class | T-shirt |") at σ 1 and 0.4.
    /// </remarks>
    public static IReadOnlyList<DocumentedCheck> ChecksAlong(string id)
    {
        var checks = new List<DocumentedCheck>();
        switch (id)
        {
            case "generator gan mnist" or "generator gmmn mnist":
            {
                string model = id.Split(' ')[1].ToUpperInvariant() + ", ";
                var tuning = HeaderOf("| run | MMD² (÷ floor)");
                foreach (var row in Table("| run | MMD² (÷ floor)").Where(r => r[0].TrimStart('*').StartsWith(model, StringComparison.Ordinal)))
                    checks.Add(new DocumentedCheck(EpochsIn(row[0]), Raw, FirstNumber(row[3], row[0]), $"MNIST tuning: {row[0]}", Measures: MeasuresIn(tuning, row)));
                break;
            }
            case "generator gan fashion-mnist":
            {
                var byEpoch = HeaderOf("| epochs | MMD² | most/least | mean confidence");
                foreach (var row in Table("| epochs | MMD² | most/least | mean confidence"))
                    checks.Add(new DocumentedCheck(int.Parse(row[0], CultureInfo.InvariantCulture), Raw, FirstNumber(row[3], row[0]), $"Fashion-MNIST by epoch: {row[0]}",
                        Measures: MeasuresIn(byEpoch, row)));
                // The chain went on from 26 epochs with a new average (the file had none), kept to 34: --resume --ema.
                var averaged = new DocumentedBranch("average-from-27", null, 26, 34, ["--ema", "0.999"]);
                var average = HeaderOf("| epochs | generator | MMD² |");
                foreach (var row in Table("| epochs | generator | MMD² |"))
                {
                    int epoch = int.Parse(row[0], CultureInfo.InvariantCulture);
                    checks.Add(new DocumentedCheck(epoch, [.. WeightsIn(row[1]), .. Backticked(row[1])], FirstNumber(row[4], row[0]), $"with a moving average: {row[0]} | {row[1]}",
                        epoch > averaged.From ? averaged : null, Measures: MeasuresIn(average, row)));
                }
                var truncated = HeaderOf("| T | generator |");
                foreach (var row in Table("| T | generator |"))
                    checks.Add(new DocumentedCheck(34, row[0] == "none" ? WeightsIn(row[1]) : [.. WeightsIn(row[1]), "--truncation", row[0]],
                        FirstNumber(row[4], row[0]), $"truncation at 34 epochs: T {row[0]} | {row[1]}", averaged, Measures: MeasuresIn(truncated, row)));
                // Two decays off that 34-epoch file: over epoch 35 alone, and over epochs 35–44.
                var decays = Tables(GeneratorSection, "| epochs | generator | classes | most/least (most, least) | mean confidence", 2);
                var decayed = HeaderOf("| epochs | generator | classes | most/least (most, least) | mean confidence");
                var overOne = new DocumentedBranch("decay-over-35", averaged, 34, 35, ["--lr-decay-epochs", "1"]);
                foreach (var row in decays[0])
                {
                    int epoch = EpochsAt(row[0]);
                    checks.Add(new DocumentedCheck(epoch, [.. WeightsIn(row[1]), .. Backticked(row[0])], FirstNumber(row[4], row[0]),
                        $"decay over epoch 35: {row[0]} | {row[1]}", epoch == averaged.To ? averaged : overOne, Measures: MeasuresIn(decayed, row)));
                }
                var overTen = new DocumentedBranch("decay-over-35-44", averaged, 34, 44, ["--lr-decay-epochs", "10"]);
                foreach (var row in decays[1])
                    checks.Add(new DocumentedCheck(int.Parse(row[0], CultureInfo.InvariantCulture), WeightsIn(row[1]), FirstNumber(row[4], row[0]),
                        $"decay over epochs 35–44: {row[0]} | {row[1]}", overTen, Measures: MeasuresIn(decayed, row)));
                var rejection = HeaderOf("| epoch | generator | P |");
                foreach (var row in Table("| epoch | generator | P |"))
                {
                    List<string> options = ["--generator", row[1].ToLowerInvariant()];
                    if (row[2] != "none") options.AddRange(["--rejection", row[2]]);
                    checks.Add(new DocumentedCheck(int.Parse(row[0], CultureInfo.InvariantCulture), options, FirstNumber(row[4], row[0]), $"rejection: {string.Join(" | ", row[..3])}",
                        Measures: MeasuresIn(rejection, row)));
                }
                // Per class: the judge on real training and test images, and the recipe's 20 epochs through its average.
                foreach (var row in Table("| images | mean |"))
                    if (row[0].StartsWith("real training images", StringComparison.Ordinal)) checks.AddRange(PerClass(0, ["--real"], row, 1, "per class"));
                    else if (row[0].StartsWith("real test images", StringComparison.Ordinal)) checks.AddRange(PerClass(0, [], row, 1, "per class", testImages: true));
                    else if (row[0].StartsWith("GAN, 20 epochs", StringComparison.Ordinal)) checks.AddRange(PerClass(20, [], row, 1, "per class"));
                // The screens' recipe row at 20 epochs, through its average (its 6-epoch row is the screens row's own figure).
                checks.Add(ScreenRow("| 20 epochs | mean confidence |", "the recipe", 20));
                break;
            }
            case "generator gan-mix20 fashion-mnist":
                var narrowed = HeaderOf("| σ at sampling |");
                foreach (var row in Table("| σ at sampling |").Where(r => char.IsDigit(r[0].TrimStart('*')[0])))
                {
                    string sd = row[0].Trim('*').Split(' ')[0];
                    var figures = Parenthesised().Replace(row[1].Replace("**", ""), "").Split(',', StringSplitOptions.TrimEntries);
                    for (int seed = 1; seed <= figures.Length; seed++)
                        checks.Add(new DocumentedCheck(40, ["--component-sd", sd, "--seed", seed.ToString(CultureInfo.InvariantCulture)],
                            Parse(figures[seed - 1]), $"mixture latent: σ {sd}, seed {seed}", Measures: MeasuresIn(narrowed, row, seed - 1)));
                }
                // The screens measured the same run (the patch's knobs draw the same numbers) at 20 epochs and on to 40.
                checks.Add(ScreenRow("| 20 epochs | mean confidence |", "mixture of 20, σ = 1 (", 20));
                var continued = Table("| 20 epochs | mean confidence |").Single(r => r[0].StartsWith("mixture of 20, σ = 1, continued", StringComparison.Ordinal));
                var epochs = Regex.Matches(continued[0], @"\d+").Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).Where(e => e > 20).ToArray();
                var confidences = continued[1].Replace("**", "").Split('/', StringSplitOptions.TrimEntries);
                if (epochs.Length != confidences.Length) throw new InvalidDataException($"{Path}: the screens' continued row names {epochs.Length} epochs but gives {confidences.Length} figures.");
                var screens = HeaderOf("| 20 epochs | mean confidence |");
                for (int i = 0; i < epochs.Length; i++)
                    checks.Add(new DocumentedCheck(epochs[i], [], Parse(confidences[i]), $"screens: {continued[0]}, {epochs[i]} epochs",
                        Measures: MeasuresIn(screens, continued, i, '/')));
                // The screens' other mixtures with the σ 1 the product trains with (10 and 40 components): runs of the row's
                // command from scratch with another --latent-mixture, through the average, after 6 or 20 epochs.
                var screened = new Dictionary<string, DocumentedBranch>();
                foreach (var (header, epoch) in new[] { ("| variant (options) | mean confidence |", 6), ("| 20 epochs | mean confidence |", 20) })
                    foreach (var row in Table(header))
                        if (ScreenedMixture().Match(row[0]) is { Success: true } m && (m.Groups[1].Success ? m.Groups[1] : m.Groups[2]).Value is var k && k != "20")
                        {
                            if (!screened.TryGetValue(k, out var run)) screened[k] = run = new DocumentedBranch($"mixture-{k}", null, 0, 20, ["--latent-mixture", k]);
                            checks.Add(new DocumentedCheck(epoch, [], FirstNumber(row[1].Replace("**", ""), row[0]), $"screens: {row[0]}", run,
                                Measures: MeasuresIn(HeaderOf(header), row)));
                        }
                // Per class at 40 epochs, through the average, as trained (σ 1) and narrowed (σ 0.4).
                checks.AddRange(PerClass(40, [], Table("| images | mean |").Single(r => r[0].StartsWith("the mixture-latent GAN", StringComparison.Ordinal)), 1, "per class"));
                foreach (var row in Table("| class | T-shirt |").Where(r => r[0].StartsWith("σ ", StringComparison.Ordinal)))
                {
                    string sd = row[0][2..];
                    checks.AddRange(PerClass(40, sd == "1" ? [] : ["--component-sd", sd], row, 0, $"mixture per class, σ {sd}"));
                }
                break;
        }
        return checks;
    }

    /// <summary>The rows (cells without the outer pipes, trimmed) of the one table in the generative section whose header
    /// starts with <paramref name="header"/>.</summary>
    private static IReadOnlyList<string[]> Table(string header) => Tables(GeneratorSection, header, 1)[0];

    /// <summary>The rows of the <paramref name="count"/> tables of <paramref name="section"/> (a "## " prefix) whose header
    /// starts with <paramref name="header"/>, in the doc's order; a table indented in a list is read as well.</summary>
    private static IReadOnlyList<IReadOnlyList<string[]>> Tables(string section, string header, int count)
    {
        var lines = Section(section).Select(l => l.TrimStart()).ToList();
        var starts = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith(header, StringComparison.Ordinal)).Select(x => x.i).ToList();
        if (starts.Count != count) throw new InvalidDataException($"{Path}: \"{section}\" should have {count} table(s) whose header starts \"{header}\", found {starts.Count}.");
        return starts.Select(start => (IReadOnlyList<string[]>)lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToArray()).ToArray();
    }

    /// <summary>The header cells (without the outer pipes, trimmed) of the generative section's table(s) whose header starts
    /// with <paramref name="header"/>.</summary>
    private static string[] HeaderOf(string header) =>
        Cells(Section(GeneratorSection).Select(l => l.TrimStart()).First(l => l.StartsWith(header, StringComparison.Ordinal)));

    /// <summary>The figures a generator table's row gives besides the mean confidence, by <c>np evaluate-generator --json</c>'s
    /// key, found by the header's column names ("MMD²…", "most/least…", "LeNet FID", "Parzen…"): the first number of each
    /// cell (parentheses and bold dropped: "0.0058 (2.52×)", "121 ± 4, σ 0.207", "1.30 (pullover 11.4 %, dress 8.8 %)").
    /// A cell listing one bare figure per evaluation, split by <paramref name="separator"/> ("4.33, 4.03, 4.22": sample
    /// seeds 1–3; "5.2 / 5.5 / 4.8": epochs), gives its <paramref name="index"/>th; a cell of one figure gives it to index
    /// 0 only (the σ table's Parzen column is seed 1's). "9 classes" in the most/least column (a class never drawn, so no
    /// ratio) is read as <c>classes_present</c>. Ranges ("1.51–1.58") and cells without a figure ("∞", a missing
    /// class) are not read.</summary>
    private static IReadOnlyDictionary<string, double> MeasuresIn(string[] header, string[] row, int index = 0, char separator = ',')
    {
        var measures = new Dictionary<string, double>();
        for (int i = 0; i < Math.Min(header.Length, row.Length); i++)
        {
            string? key = header[i] switch
            {
                var h when h.StartsWith("MMD²", StringComparison.Ordinal) => "mmd2",
                var h when h.StartsWith("most/least", StringComparison.Ordinal) => "most_to_least",
                "LeNet FID" => "lenet_fid",
                var h when h.StartsWith("Parzen", StringComparison.Ordinal) => "parzen_log_likelihood",
                _ => null,
            };
            string cell = Parenthesised().Replace(row[i].Replace("**", ""), "").Trim();
            // "9 classes" where the ratio would be: a class was never drawn, and how many were is the figure.
            if (key == "most_to_least" && ClassesDrawn().Match(cell) is { Success: true } drawn)
            {
                if (index == 0) measures["classes_present"] = Parse(drawn.Groups[1].Value);
                continue;
            }
            if (key is null || cell.Contains('–') || Figure().Match(cell) is not { Success: true } first) continue;
            var parts = cell.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 1 && parts.All(p => BareNumber().IsMatch(p)))
            {
                if (index < parts.Length) measures[key] = Parse(parts[index]);
            }
            else if (index == 0) measures[key] = Parse(first.Value);
        }
        return measures;
    }

    [GeneratedRegex(@"^\d+(?:\.\d+)?$")]
    private static partial Regex BareNumber();

    [GeneratedRegex(@"^(\d+) classes$")]
    private static partial Regex ClassesDrawn();

    /// <summary>A figure with its sign, typographic or not ("−0.058", "+0.028", "98.9%").</summary>
    [GeneratedRegex(@"[−+-]?\d+(?:\.\d+)?")]
    private static partial Regex SignedFigure();

    /// <summary>A figure with or without decimals (Parzen's "258 ± 2").</summary>
    [GeneratedRegex(@"\d+(?:\.\d+)?")]
    private static partial Regex Figure();

    /// <summary>A table line's cells, without the outer pipes, trimmed.</summary>
    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|', StringSplitOptions.TrimEntries);

    private static readonly string[] Raw = ["--generator", "raw"];

    /// <summary>"EMA" or "raw…" in a table's generator column, as np evaluate-generator's option.</summary>
    private static string[] WeightsIn(string cell) =>
        cell.StartsWith("EMA", StringComparison.Ordinal) ? ["--generator", "ema"]
        : cell.StartsWith("raw", StringComparison.Ordinal) ? Raw
        : throw new InvalidDataException($"{Path}: \"{cell}\" names neither generator (EMA, raw).");

    /// <summary>The options in backticks in a cell ("35, η → 0, `--truncation 2.0`").</summary>
    private static string[] Backticked(string cell) =>
        [.. Regex.Matches(cell, "`([^`]*)`").SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    /// <summary>The epoch count a cell starts with ("35, η → 0 over epoch 35").</summary>
    private static int EpochsAt(string cell) => int.Parse(Regex.Match(cell, @"^\d+").Value, CultureInfo.InvariantCulture);

    /// <summary>A per-class table row: its mean (when <paramref name="firstClass"/> leaves a column for it) and the ten
    /// classes' figures, in the judge's class order (the header's).</summary>
    private static IEnumerable<DocumentedCheck> PerClass(int epoch, string[] options, string[] row, int firstClass, string table, bool testImages = false)
    {
        if (firstClass == 1) yield return new DocumentedCheck(epoch, options, FirstNumber(row[1], row[0]), $"{table}: {row[0]}, mean", OnTestImages: testImages);
        for (int c = 0; c < 10; c++)
            yield return new DocumentedCheck(epoch, options, FirstNumber(row[firstClass + 1 + c], row[0]), $"{table}: {row[0]}, class {c}", Class: c, OnTestImages: testImages);
    }

    /// <summary>The screens' row starting <paramref name="name"/> (mean confidence in its second column), through the
    /// average after <paramref name="epoch"/> epochs.</summary>
    private static DocumentedCheck ScreenRow(string header, string name, int epoch)
    {
        var row = Table(header).Single(r => r[0].StartsWith(name, StringComparison.Ordinal));
        return new DocumentedCheck(epoch, [], FirstNumber(row[1].Replace("**", ""), row[0]), $"screens: {row[0]}", Measures: MeasuresIn(HeaderOf(header), row));
    }

    private static int EpochsIn(string cell) =>
        EpochCount().Match(cell) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"{Path}: no epoch count in the row \"{cell}\".");

    [GeneratedRegex(@"(\d+) epochs")]
    private static partial Regex EpochCount();

    /// <summary>A screen of a mixture trained with σ 1: "mixture of K, σ = 1", or options that are a lone "`--latent-mixture K`".</summary>
    [GeneratedRegex(@"^(?:mixture of (\d+), σ = 1(?![.\d])|.*`--latent-mixture (\d+)`)")]
    private static partial Regex ScreenedMixture();

    [GeneratedRegex(@"\s*\([^)]*\)")]
    private static partial Regex Parenthesised();

    public const string UniversalitySection = "## Universality";

    /// <summary>The universality table's mean squared error by hidden-layer width ("| hidden neurons | 2 | 5 | … |" over
    /// "| MSE | 4.4·10⁻² | … |").</summary>
    public static IReadOnlyList<(int Width, double Mse)> Universality => s_universality.Value;
    private static readonly Lazy<IReadOnlyList<(int, double)>> s_universality = new(() =>
    {
        var (header, rows) = SectionTables(UniversalitySection).Single(t => t.Header[1] == "hidden neurons");
        var errors = rows.Select(r => r.Split('|', StringSplitOptions.TrimEntries)).Single(r => r[1] == "MSE");
        if (header.Length != errors.Length) throw new InvalidDataException($"{Path}: the universality table has {header.Length - 3} widths but {errors.Length - 3} errors.");
        // Split at the pipes, each line has an empty cell at either end and the row's name at 1.
        return header[2..^1].Zip(errors[2..^1], (w, e) => (int.Parse(w, CultureInfo.InvariantCulture), PowerOfTen(e))).ToArray();
    });

    /// <summary>"4.4·10⁻²" as 0.044.</summary>
    private static double PowerOfTen(string cell)
    {
        var m = Regex.Match(cell, @"^(\d+(?:\.\d+)?)·10([⁻]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$");
        if (!m.Success) throw new InvalidDataException($"{Path}: \"{cell}\" is not a figure written as m·10ⁿ.");
        int exponent = int.Parse(string.Concat(m.Groups[3].Value.Select(c => (char)('0' + "⁰¹²³⁴⁵⁶⁷⁸⁹".IndexOf(c)))), CultureInfo.InvariantCulture);
        return Parse(m.Groups[1].Value) * Math.Pow(10, m.Groups[2].Value == "⁻" ? -exponent : exponent);
    }

    public const string TransformFunctionSection = "## Generative models: a learned transform function";

    public static IReadOnlyList<DocumentedTransformFunction> TransformFunctions => s_transformFunctions.Value;
    private static readonly Lazy<IReadOnlyList<DocumentedTransformFunction>> s_transformFunctions = new(() =>
    [
        .. Tables(TransformFunctionSection, "| target | method | KS", 1)[0]
            .Select(c => new DocumentedTransformFunction(c[0], c[1], FirstNumber(c[2], c[0]), FirstNumber(c[3], c[0]), c[4])),
    ]);

    public static DocumentedTransformFunction TransformFunction(string id) =>
        TransformFunctions.SingleOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"{Path} has no transform-function row '{id}'.");

    public const string ColorizationSection = "## Colorization with pix2pix";

    public static IReadOnlyList<DocumentedColorization> Colorizations => s_colorizations.Value;
    private static readonly Lazy<IReadOnlyList<DocumentedColorization>> s_colorizations = new(() => [.. ColorizationRows()]);

    public static DocumentedColorization Colorization(string id) =>
        Colorizations.SingleOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"{Path} has no colorization row '{id}'.");

    /// <summary>The colorization section's rows: each <c>np train colorize</c> command, paired with the table row that names
    /// its checkpoint in backticks (<c>| L1 alone (8 epochs, `l1.ckpt`) | 23.25 | 0.901 | 19.36 | …</c>): PSNR in the second
    /// column, colourfulness in the fourth. A <c>--resume</c> command continues the checkpoint of another command of the
    /// section, which becomes its <see cref="DocumentedColorization.Start"/>.</summary>
    private static IEnumerable<DocumentedColorization> ColorizationRows()
    {
        string section = Heading(ColorizationSection);
        var commands = CodeLines().Where(c => c.Section == section && c.Line.StartsWith("np train colorize ", StringComparison.Ordinal))
            .Select(c => Split(c.Line)).ToList();
        DocumentedRun RunOf(List<string> args) =>
            new("colorize " + System.IO.Path.GetFileNameWithoutExtension(args[args.IndexOf("--out") + 1]), section, args, double.NaN);
        // Each table line with its table's header cells: the results tables start "| model |", the departure table
        // "| pix2pix row |".
        var rows = SectionTables(ColorizationSection).SelectMany(t => t.Rows.Select(line => (t.Header, Line: line))).ToList();
        foreach (var args in commands)
        {
            int data = args.IndexOf("--data"), output = args.IndexOf("--out"), resume = args.IndexOf("--resume");
            if (data < 0 || output < 0) throw new InvalidDataException($"{Path}: \"{section}\" has a colorize command without --data or --out: np {string.Join(' ', args)}");
            string checkpoint = args[output + 1];
            var naming = rows.Where(r => r.Line.Contains($"`{checkpoint}`", StringComparison.Ordinal)).ToList();
            var row = naming.Where(r => r.Header[1] == "model").Select(r => r.Line).ToList();
            if (row.Count != 1)
                throw new InvalidDataException($"{Path}: \"{section}\" should have one results row (\"| model |\" table) naming `{checkpoint}` (for np {string.Join(' ', args)}), found {row.Count}.");
            DocumentedRun? start = null;
            if (resume >= 0)
            {
                var from = commands.Where(a => a.IndexOf("--resume") < 0 && a.IndexOf("--out") is int o && o >= 0 && a[o + 1] == args[resume + 1]).ToList();
                if (from.Count != 1)
                    throw new InvalidDataException($"{Path}: \"{section}\" should train `{args[resume + 1]}` from scratch once (for np {string.Join(' ', args)}), found {from.Count}.");
                start = RunOf(from[0]);
            }
            var (head, line) = naming.Single(r => r.Header[1] == "model");
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            double? Column(string name)
            {
                int at = Array.FindIndex(head, h => h.StartsWith(name, StringComparison.Ordinal));
                return at >= 0 && at < cells.Length && SignedFigure().Match(cells[at]) is { Success: true } m ? Parse(m.Value.Replace('−', '-')) : null;
            }
            double? fresh = Column("fresh discriminator");
            var judge = naming.Where(r => r.Header[1].StartsWith(JudgeHeader, StringComparison.Ordinal)).Select(r => JudgeOf(r.Line)).SingleOrDefault();
            DocumentedDeparture? departure = null;
            if (naming.Where(r => r.Header[1] == "pix2pix row").Select(r => r.Line.Split('|', StringSplitOptions.TrimEntries)).SingleOrDefault() is { } d)
                departure = new DocumentedDeparture(FirstNumber(d[2], d[1]), FirstNumber(d[3], d[1]), Parse(d[4].Replace('−', '-')), FirstNumber(d[5], d[1]), FirstNumber(d[6], d[1]));
            else if (Column("gap to its L1 alone") is { } gap && Column("departure's correlation") is { } correlation)
                departure = new DocumentedDeparture(double.NaN, double.NaN, correlation, double.NaN, gap);
            yield return new DocumentedColorization(RunOf(args), System.IO.Path.Combine(args[data + 1], "test"),
                FirstNumber(cells[2], line), FirstNumber(cells[4], line), start, fresh, departure,
                departure is null ? null : RunOf(BaselineOf(args, commands)), judge);
        }

        // The L1-alone run a pix2pix run's departure is measured against: from scratch, same size, width, epochs, schedule.
        static List<string> BaselineOf(List<string> args, List<List<string>> commands)
        {
            var found = commands.Where(a => OptionValue(a, "--loss") == "l1" && OptionValue(a, "--resume") is null
                && new[] { "--size", "--ngf", "--epochs", "--lr-decay-epochs" }.All(o => OptionValue(a, o) == OptionValue(args, o))).ToList();
            return found.Count == 1 ? found[0]
                : throw new InvalidDataException($"{Path}: one L1-alone command should match np {string.Join(' ', args)} in size, width, epochs and schedule, found {found.Count}.");
        }
    }

    /// <summary>The value after option <paramref name="name"/> in a command's arguments; null when it is not given.</summary>
    private static string? OptionValue(IReadOnlyList<string> args, string name)
    {
        for (int i = 0; i + 1 < args.Count; i++) if (args[i] == name) return args[i + 1];
        return null;
    }

    /// <summary>Each table of <paramref name="section"/> (a "## " prefix), in the doc's order: its header line split at the
    /// pipes (so the first cell is at 1) and its rows, the |---| line left out.</summary>
    private static List<(string[] Header, List<string> Rows)> SectionTables(string section)
    {
        var tables = new List<(string[] Header, List<string> Rows)>();
        bool inTable = false;
        foreach (var line in Section(section).Select(l => l.TrimStart()))
        {
            if (!line.StartsWith('|')) inTable = false;
            else if (!inTable) { tables.Add((line.Split('|', StringSplitOptions.TrimEntries), [])); inTable = true; }
            else if (!line.StartsWith("|---", StringComparison.Ordinal)) tables[^1].Rows.Add(line);
        }
        return tables;
    }

    /// <summary>The first header cell of the fresh-discriminator table, whose rows give a judge's four figures.</summary>
    private const string JudgeHeader = "judge trained on real against";

    /// <summary>A fresh-discriminator table row: accuracy on test, real called real, colorized called colorized, training
    /// accuracy, each in percent.</summary>
    private static DocumentedJudge JudgeOf(string line)
    {
        var cells = line.Split('|', StringSplitOptions.TrimEntries);
        return new DocumentedJudge(FirstNumber(cells[2], line), FirstNumber(cells[3], line), FirstNumber(cells[4], line), FirstNumber(cells[5], line));
    }

    /// <summary>The colorization section's grey floors: each results table's "grey floor" row (the photo's L with a* = b* = 0,
    /// no model), at the size of the colorizers the same table names, with its fresh-discriminator cell where the table has
    /// that column and the judge table's "grey" row where that table judges colorizers of the same size.</summary>
    public static IReadOnlyList<DocumentedGreyFloor> GreyFloors => s_greyFloors.Value;
    private static readonly Lazy<IReadOnlyList<DocumentedGreyFloor>> s_greyFloors = new(() =>
    {
        var tables = SectionTables(ColorizationSection);
        // The size and test folder of the colorizers a table's rows name.
        (int Size, string TestFolder)? SettingOf(IEnumerable<string> rows)
        {
            // A --resume command keeps the size of the run it continues.
            var named = Colorizations.Where(c => rows.Any(r => r.Contains($"`{System.IO.Path.GetFileName(OptionValue(c.Run.Arguments, "--out"))}`", StringComparison.Ordinal)))
                .Select(c => (int.Parse(OptionValue(c.Run.Arguments, "--size") ?? OptionValue((c.Start ?? c.Run).Arguments, "--size") ?? "", CultureInfo.InvariantCulture), c.TestFolder))
                .Distinct().ToList();
            return named.Count switch
            {
                0 => null,
                1 => named[0],
                _ => throw new InvalidDataException($"{Path}: a table of \"{ColorizationSection}\" names colorizers of {named.Count} sizes or photo sets."),
            };
        }
        var judges = tables.Where(t => t.Header.Length > 1 && t.Header[1].StartsWith(JudgeHeader, StringComparison.Ordinal)).ToList();
        var floors = new List<DocumentedGreyFloor>();
        foreach (var (header, rows) in tables.Where(t => t.Header.Length > 1 && t.Header[1] == "model"))
        {
            var grey = rows.Where(r => r.StartsWith("| grey floor", StringComparison.Ordinal)).ToList();
            if (grey.Count == 0) continue;
            var setting = SettingOf(rows) ?? throw new InvalidDataException($"{Path}: the table with the grey floor row {grey[0]} names no colorizer, so its size is unknown.");
            var cells = grey.Single().Split('|', StringSplitOptions.TrimEntries);
            int freshAt = Array.FindIndex(header, h => h.StartsWith("fresh discriminator", StringComparison.Ordinal));
            var judge = judges.Where(j => SettingOf(j.Rows) == setting).SelectMany(j => j.Rows)
                .Where(r => r.StartsWith("| grey", StringComparison.Ordinal)).Select(JudgeOf).SingleOrDefault();
            floors.Add(new DocumentedGreyFloor($"grey floor {setting.Size}", setting.Size, setting.TestFolder,
                FirstNumber(cells[2], grey[0]), FirstNumber(cells[3], grey[0]), Parse(Figure().Match(cells[4]).Value),
                freshAt >= 0 ? FirstNumber(cells[freshAt], grey[0]) : null, judge));
        }
        return floors;
    });

    public static DocumentedGreyFloor GreyFloor(string id) =>
        GreyFloors.SingleOrDefault(r => r.Id == id) ?? throw new KeyNotFoundException($"{Path} has no colorization row '{id}'.");

    /// <summary>The colorization section's analysis of the default 64×64 pix2pix against L1 alone ("Why the gap is about 3
    /// dB"): the departure table's first row (baseline error, departure, its correlation with the truth's, the model's error,
    /// the PSNR gap) and the frontier table (PSNR and colourfulness ÷ truth of chroma b + α(p − b) for each α).</summary>
    public static DocumentedFrontier Frontier => s_frontier.Value;
    private static readonly Lazy<DocumentedFrontier> s_frontier = new(() =>
    {
        static IReadOnlyList<string[]> TableOf(string header) => Tables(ColorizationSection, header, 1)[0];
        var departures = TableOf("| pix2pix row | baseline error");
        if (departures.Count == 0 || !departures[0][0].Contains("`p2p-64-d4.ckpt`", StringComparison.Ordinal))
            throw new InvalidDataException($"{Path}: the departure table's first row should name the default pix2pix run, `p2p-64-d4.ckpt`.");
        var d = departures[0];
        var frontier = TableOf("| α | 0 (L1 alone)");
        if (frontier.Count != 2) throw new InvalidDataException($"{Path}: the frontier table should have a PSNR row and a colourfulness row.");
        var header = Cells(Section(ColorizationSection).First(l => l.StartsWith("| α | 0 (L1 alone)", StringComparison.Ordinal)));
        var points = Enumerable.Range(1, header.Length - 1).Select(i => new DocumentedBlend(
            FirstNumber(header[i].Replace("0 (L1 alone)", "0.0").Replace("1 (pix2pix)", "1.0"), header[i]),
            FirstNumber(frontier[0][i], frontier[0][0]), FirstNumber(frontier[1][i].Replace("**", ""), frontier[1][0]))).ToArray();
        // The fresh discriminator's accuracy on the two runs: the 64×64 table's last column (the grey floor's is GreyFloors').
        var runs = TableOf("| model | PSNR (dB) | SSIM | colourfulness | ÷ ground truth's | fresh discriminator |");
        double Fresh(Func<string, bool> row) => runs.Where(r => row(r[0])).Select(r => FirstNumber(r[5], r[0])).Single();
        return new DocumentedFrontier(Colorization("colorize l1-64-d4"), Colorization("colorize p2p-64-d4"),
            Parse(d[1]), Parse(d[2]), Parse(d[3].Replace('−', '-')), Parse(d[4]), FirstNumber(d[5], d[0]), points,
            Fresh(r => r.Contains("`l1-64-d4.ckpt`", StringComparison.Ordinal)),
            Fresh(r => r.Contains("`p2p-64-d4.ckpt`", StringComparison.Ordinal)));
    });

    /// <summary>The summary table at the top of "## Convolutional networks": (network, data, bold test accuracy), in order.</summary>
    public static IReadOnlyList<(string Network, string Data, double Percent)> ConvolutionalSummary() =>
        Section("## Convolutional networks").Select(l => SummaryRow().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim(), Parse(m.Groups[3].Value))).ToArray();

    /// <summary>The whole "## " heading line that starts with <paramref name="prefix"/>.</summary>
    private static string Heading(string prefix) =>
        s_lines.Value.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
        ?? throw new InvalidDataException($"{Path} has no section \"{prefix}…\".");

    /// <summary>The lines from <paramref name="heading"/> (a "## " prefix) to the next "## " heading.</summary>
    private static IEnumerable<string> Section(string heading) =>
        s_lines.Value.SkipWhile(l => !l.StartsWith(heading, StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));

    /// <summary>Each line of the doc's code blocks (continuations joined) with the "## " section it is in.</summary>
    private static IEnumerable<(string Section, string Line)> CodeLines()
    {
        string section = "";
        foreach (var (line, code) in Joined(s_lines.Value))
        {
            if (!code && line.StartsWith("## ", StringComparison.Ordinal)) section = line;
            if (code) yield return (section, line);
        }
    }

    /// <summary>The lines with a code block's trailing-backslash continuations joined, each marked in or out of a block.</summary>
    private static IEnumerable<(string Line, bool Code)> Joined(IEnumerable<string> lines)
    {
        bool code = false;
        string carried = "";
        foreach (var raw in lines)
        {
            if (raw.StartsWith("```", StringComparison.Ordinal)) { code = !code; continue; }
            if (!code) { yield return (raw, false); continue; }
            var line = carried + raw.Trim();
            if (line.EndsWith('\\')) { carried = line[..^1].TrimEnd() + " "; continue; }
            carried = "";
            yield return (line, true);
        }
    }

    private static string StripComment(string line) => line.Split('#')[0].Trim();

    private static List<string> Split(string command) =>
        [.. StripComment(command).Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)];   // drop "np"

    private static double FirstNumber(string cell, string line) =>
        Number().Match(cell) is { Success: true } m ? Parse(m.Value) : throw new InvalidDataException($"{Path}: no figure in the row {line}");

    private static double Parse(string number) => double.Parse(number, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\| (\d+) \| [^|]* \| ([^|]*) \|")]
    private static partial Regex NielsenResultRow();

    [GeneratedRegex("^S=\"(.*)\"$")]
    private static partial Regex SharedOptions();

    [GeneratedRegex(@"^(np train .*?)\s*#\s*(\d+)\b")]
    private static partial Regex NielsenCommand();

    [GeneratedRegex(@"^\| `(np train [^`]*)` \| [^|]* \| \*\*(\d+\.\d+) %\*\* \|")]
    private static partial Regex RecipeRow();

    [GeneratedRegex(@"`(np train [^`]*)`")]
    private static partial Regex BacktickedTrain();

    [GeneratedRegex(@"\*\*(\d+\.\d+)\*\*")]
    private static partial Regex BoldFigure();

    [GeneratedRegex(@"^\| ([^|]+) \| ([^|]+) \| \d+ \| \*\*(\d+\.\d+) %\*\*")]
    private static partial Regex SummaryRow();

    [GeneratedRegex(@"\d+\.\d+")]
    private static partial Regex Number();
}
