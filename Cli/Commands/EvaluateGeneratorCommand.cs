using System.CommandLine;
using System.Globalization;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Settings;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np evaluate-generator</c>: how close a generator's samples come to a dataset's test images (MMD², the
/// classes a LeNet-5 sees and its confidence, LeNet FID, Parzen log-likelihood); <c>--real</c> gives the same figures
/// for real training images, the floor or ceiling beside which a generator's are read.</summary>
public sealed class EvaluateGeneratorCommand : ICliCommand
{
    public string Name => "evaluate-generator";

    public Command Create(CliContext context)
    {
        var model = new Option<string?>("--model") { Description = "The generator: a gan, gmmn or gmmn-ae checkpoint, or its ONNX export." };
        var classifier = new Option<string>("--classifier") { Description = "A LeNet-5 checkpoint trained on the same data (np train lenet5 --data …): its classes, confidence and 84 penultimate features judge the samples; any other classifier is refused.", Required = true };
        var data = new Option<string>("--data") { Description = "Dataset whose test split the samples are compared with: mnist (the shipped split), fashion-mnist or a folder of IDX files.", DefaultValueFactory = _ => "mnist" };
        var real = new Option<bool>("--real") { Description = "Evaluate real training images in place of samples (the floor/ceiling row); no --model." };
        var samples = new Option<int>("--samples") { Description = "Samples drawn (or real images taken) for the classifier and the Parzen window; MMD² takes the first 2,000 of them.", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the samples' noise.", DefaultValueFactory = _ => 1 };
        var sampling = new GeneratorSamplingOptions();
        var json = CliContext.JsonOption();
        var command = new Command("evaluate-generator",
            "Measure a generator against a dataset's test split: MMD² (σ = 2 … 80) of 2,000 samples and 2,000 test images; over 10,000 samples, " +
            "the LeNet-5's share of each class (most ÷ least), its mean top-class confidence and the Fréchet distance of its penultimate features " +
            "to the test set's (LeNet FID); the Parzen-window log-likelihood of the test images under the samples (σ chosen on the last 1,000 training images). " +
            "A checkpoint that keeps a moving average of its generator is measured through it unless --generator raw.");
        foreach (var o in new Option[] { model, classifier, data, real, samples, seed }.Concat(sampling.All).Append(json)) command.Options.Add(o);
        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json), isReal = parse.GetValue(real);
            string? generator = parse.GetValue(model);
            if (isReal == generator is not null)
                throw new ArgumentException(isReal ? "--real evaluates training images; give it without --model." : "Give --model GENERATOR (checkpoint or ONNX), or --real for real training images.");
            if (isReal) sampling.Refuse(parse, "--real measures training images");
            string classifierPath = parse.GetValue(classifier)!, dataset = parse.GetValue(data)!;
            var lenet = LeNetJudge.Load(classifierPath);
            var split = new DatasetCatalog().LoadImages(dataset);
            if (lenet.Metadata.TryGetValue("dataset", out var trainedOn) && !trainedOn.Equals(split.Name, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{classifierPath} was trained on {trainedOn}, not {split.Name}: the classifier must know the data the samples are compared with.");
            lenet.EnsureFits(split.Test);

            int count = parse.GetValue(samples);
            if (count < 2) throw new ArgumentException($"--samples must be at least 2, got {count}.");
            var sizes = new GeneratorEvaluationSizes { Samples = count, MmdSamples = Math.Min(count, new GeneratorEvaluationSizes().MmdSamples) };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string kind = "real";
            string? drew = null;
            var how = sampling.Read(parse);
            Models.Generative.Gan.DiscriminatorRejectionReport? rejected = null;
            int s = parse.GetValue(seed);
            GeneratorReport report = isReal
                ? GeneratorEvaluator.EvaluateReal(lenet, split, sizes)
                : GeneratorEvaluator.Evaluate(n =>
                {
                    var (pixels, shape, k, w, r) = GeneratorFile.Draw(generator!, n, s, how, batchSize: 500, countOption: "--samples");
                    kind = k; drew = w; rejected = r;
                    if (!shape.AsSpan().SequenceEqual(lenet.InputShape))
                        throw new ArgumentException($"{generator} draws images of shape [{string.Join(", ", shape)}] but {classifierPath} takes [{string.Join(", ", lenet.InputShape)}].");
                    return pixels;
                }, lenet, split, sizes);
            double seconds = clock.Elapsed.TotalSeconds;

            var console = context.Console(asJson);
            console.Write(Table(report, isReal ? "real training images" : $"{kind} {generator} ({drew} generator{how.Describe(rejected)})", split.Name, lenet.ClassLabels));
            if (asJson)
                context.WriteJson(new
                {
                    Model = generator,
                    Kind = kind,
                    Generator = drew,
                    how.Truncation,
                    how.ComponentSd,
                    AverageStatistics = isReal ? null : SettingNames.Name(how.Statistics),
                    Rejection = GeneratorFile.RejectionJson(how.Rejection, rejected),
                    Classifier = classifierPath,
                    Dataset = split.Name,
                    report.Mmd2,
                    report.ClassShares,
                    report.ClassesPresent,
                    report.MostToLeast,
                    report.MeanConfidence,
                    report.ClassConfidence,
                    report.LenetFid,
                    report.ParzenLogLikelihood,
                    report.ParzenSigma,
                    report.ParzenStderr,
                    report.ParzenSigmaAtGridEdge,
                    report.Samples,
                    report.MmdSamples,
                    report.TestImages,
                    report.ValidationImages,
                    Seed = isReal ? (int?)null : s,
                    Seconds = seconds,
                });
            return 0;
        });
        return command;
    }

    private static Table Table(GeneratorReport r, string what, string dataset, string[] labels)
    {
        var ci = CultureInfo.InvariantCulture;
        var table = new Table().Title($"{what} against the {dataset} test split");
        table.AddColumn("measure");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddRow($"MMD² ({r.MmdSamples:N0} vs {r.MmdSamples:N0})", r.Mmd2.ToString("G4", ci));
        table.AddRow($"classes present ({r.Samples:N0} samples)", $"{r.ClassesPresent}/{r.ClassShares.Length}");
        table.AddRow("most ÷ least frequent class", r.MostToLeast is { } ratio ? ratio.ToString("F2", ci) : "∞ (a class is missing)");
        table.AddRow("class shares", Markup.Escape(string.Join(" ", r.ClassShares.Select((v, i) => $"{labels[i]}:{100 * v:F1}%"))));
        table.AddRow("mean top-class confidence", r.MeanConfidence.ToString("F4", ci));
        table.AddRow("… by predicted class", Markup.Escape(string.Join(" ", r.ClassConfidence.Select((v, i) => $"{labels[i]}:{(v is { } c ? c.ToString("F2", ci) : "–")}"))));
        table.AddRow("LeNet FID", r.LenetFid.ToString("F3", ci));
        table.AddRow($"Parzen log-likelihood ({r.TestImages:N0} test images)", $"{r.ParzenLogLikelihood.ToString("F1", ci)} ± {r.ParzenStderr.ToString("F1", ci)} nats");
        table.AddRow("Parzen σ (held-out training images)", r.ParzenSigma.ToString("F3", ci) + (r.ParzenSigmaAtGridEdge ? " (edge of the grid)" : ""));
        return table;
    }
}
