using System.Text.Json;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Generative.Pix2Pix;

namespace NeuralPipelines.Benchmarks.Colorization;

/// <summary>
/// <c>colorize-eval --model A.ckpt [--model B.ckpt …] --data TEST_DIR [--sheet sheet.png] [--sheet-count 8]
/// [--fresh-discriminator TRAIN_DIR [--fresh-epochs 5] [--fresh-count N] [--fresh-width 16] [--fresh-seed 42]] [--blend 0.5,0.6,…]</c>: the
/// measurements of the pix2pix experiment on held-out photos. For each colorizer: mean PSNR and SSIM of the RGB result
/// against the photo, and mean colourfulness (Hasler–Süsstrunk) against the photos' own, measured by
/// <see cref="ColorizationMeasure"/> (the code the long test tier measures with too); one JSON object on stdout. The
/// first row of the results is the grey floor (the photo's L with a* = b* = 0). The
/// sheet has one row per photo: grey input | each model in the order given | ground truth.
/// With <c>--fresh-discriminator</c>, each row also gets the fresh-discriminator test (<see cref="FreshDiscriminator"/>):
/// a new judge trained on the training photos of TRAIN_DIR against that row's colorizations of the same photos, and its
/// accuracy on the test photos against their colorizations (the grey row's judge learns real against grey).
/// Every model after the first also gets its <see cref="ChromaDeparture"/> from the first (give L1 alone first): how far
/// its chroma moves from the baseline's and whether the move points at the photos' own. With <c>--blend 0.5,0.6,…</c>, each
/// such model also gets the measurements of the blends first + α·(model − first) for each α: the PSNR it would cost to keep
/// only part of the model's departure.
/// </summary>
public static class ColorizationEvaluation
{
    public static int Run(string[] args, TextWriter output)
    {
        // Bad input (a missing or corrupt photo, a checkpoint that is not a colorizer, a bad number) is one line, not a
        // stack trace; nothing is written before every measurement is done, so a failure leaves no half-written JSON.
        try { return Measure(args, output); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"colorize-eval: {e.Message}");
            return 1;
        }
    }

    private static int Measure(string[] args, TextWriter output)
    {
        var models = new List<string>();
        string? data = null, sheet = null;
        int sheetCount = 8;
        double[] blends = [];
        string? freshTrain = null;
        var fresh = new FreshDiscriminatorOptions();
        for (int i = 0; i < args.Length - 1; i++)
            switch (args[i])
            {
                case "--model": models.Add(args[++i]); break;
                case "--data": data = args[++i]; break;
                case "--sheet": sheet = args[++i]; break;
                case "--sheet-count": sheetCount = int.Parse(args[++i]); break;
                case "--fresh-discriminator": freshTrain = args[++i]; break;
                case "--fresh-epochs": fresh = fresh with { Epochs = int.Parse(args[++i]) }; break;
                case "--fresh-count": fresh = fresh with { TrainCount = int.Parse(args[++i]) }; break;
                case "--fresh-width": fresh = fresh with { Width = int.Parse(args[++i]) }; break;
                case "--fresh-seed": fresh = fresh with { Seed = int.Parse(args[++i]) }; break;
                case "--blend": blends = args[++i].Split(',').Select(a => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray(); break;
            }
        if (models.Count == 0 || data is null)
        {
            Console.Error.WriteLine("usage: colorize-eval --model A.ckpt [--model B.ckpt …] --data TEST_DIR [--sheet sheet.png] [--sheet-count 8] " +
                                    "[--fresh-discriminator TRAIN_DIR [--fresh-epochs 5] [--fresh-count N] [--fresh-width 16] [--fresh-seed 42]] [--blend 0.5,0.6,…]");
            return 2;
        }
        var loaded = models.Select(m => (Path: m, Checkpoint: ColorizerCheckpoint.Load(m))).ToList();
        int size = loaded[0].Checkpoint.Model.Size;
        var photos = ImageFolder.Load(data, size);
        int n = photos.Count;
        fresh.Validate();
        var trainPhotos = freshTrain is null ? null : ImageFolder.Load(freshTrain, size);
        // Each row's judge is trained and measured the same way; only the "colorized" side changes.
        object? Fresh(string row, Func<PhotoSet, float[]> colorize)
        {
            if (trainPhotos is null) return null;
            Console.Error.WriteLine($"fresh discriminator for {row}: colorizing {trainPhotos.Count} training photos, training on {Math.Min(trainPhotos.Count, fresh.TrainCount ?? int.MaxValue)} a side");
            var fakeTrain = trainPhotos with { Pixels = colorize(trainPhotos) };
            var fakeTest = photos with { Pixels = colorize(photos) };
            var r = FreshDiscriminator.Measure(trainPhotos, fakeTrain, photos, fakeTest, fresh,
                new Progress<Models.Training.EpochReport>(e => Console.Error.WriteLine($"  epoch {e.Epoch}/{e.Epochs}: train accuracy {e.TrainAccuracy:P1} {e.Seconds:0}s")));
            Console.Error.WriteLine($"  {row}: test accuracy {r.Accuracy:P1} (real called real {r.RealCalledReal:P1}, colorized called colorized {r.FakeCalledFake:P1})");
            return r;
        }
        var results = new List<object>();
        // The floor every colorizer must beat: the photo's own lightness with a* = b* = 0.
        var grey = ColorizationMeasure.Of(GreyPhotos.Of(photos).Pixels, photos);
        double truthColour = grey.TruthColourfulness;
        results.Add(new
        {
            Model = "grey (a* = b* = 0)", Loss = "none", Epochs = (int?)null, grey.Psnr, grey.Ssim, grey.Colourfulness, grey.ColourfulnessRatio,
            FreshDiscriminator = Fresh("grey", p => GreyPhotos.Of(p).Pixels),
        });
        var colorized = new List<float[]>();
        float[]? baselineChroma = null;
        var truthChroma = ColorizationMeasure.ScaledLab(photos).Chroma;
        foreach (var (path, checkpoint) in loaded)
        {
            if (checkpoint.Model.Size != size) throw new ArgumentException($"{path} works at {checkpoint.Model.Size}×{checkpoint.Model.Size}, the first model at {size}×{size}.");
            var colorizer = new Colorizer(checkpoint.Model);
            var all = ColorizationMeasure.ColorizeAll(colorizer, photos);
            colorized.Add(all);
            var q = ColorizationMeasure.Of(all, photos);
            var t = checkpoint.Training;
            // The first model is the baseline the others' chroma departs from (L1 alone, given first).
            var chroma = ColorizationMeasure.PredictChromaAll(colorizer, photos);
            ChromaDeparture? departure = baselineChroma is null ? null : ChromaDeparture.Of(chroma, baselineChroma, truthChroma);
            var blended = baselineChroma is null ? [] : blends.Select(alpha =>
            {
                var b = ColorizationMeasure.Of(ColorizationMeasure.Blend(photos, baselineChroma, chroma, alpha), photos);
                return new { Alpha = alpha, b.Psnr, b.Ssim, b.Colourfulness, b.ColourfulnessRatio };
            }).ToArray();
            baselineChroma ??= chroma;
            results.Add(new
            {
                Model = path,
                Loss = t is null ? "unknown" : ColorizerLosses.Name(t.Options.Loss),
                Epochs = t?.CompletedEpochs,
                q.Psnr,
                q.Ssim,
                q.Colourfulness,
                q.ColourfulnessRatio,
                DepartureFromFirst = departure,
                Blends = blended,
                FreshDiscriminator = Fresh(path, p => ReferenceEquals(p, photos) ? all : ColorizationMeasure.ColorizeAll(colorizer, p)),
            });
        }
        if (sheet is not null) WriteSheet(sheet, photos, colorized, Math.Min(sheetCount, n));
        output.WriteLine(JsonSerializer.Serialize(new { Data = data, Photos = n, Size = size, TruthColourfulness = truthColour, Models = results, Sheet = sheet },
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return 0;
    }

    private static void WriteSheet(string path, PhotoSet photos, List<float[]> colorized, int rows)
    {
        int length = photos.ImageLength, plane = length / 3, columns = colorized.Count + 2;
        var cells = new float[rows * columns * length];
        var lab = new float[length];
        for (int i = 0; i < rows; i++)
        {
            CieLab.FromSrgb(photos.Image(i), lab);
            lab.AsSpan(plane).Clear();
            CieLab.ToSrgb(lab, cells.AsSpan(i * columns * length, length));
            for (int m = 0; m < colorized.Count; m++)
                colorized[m].AsSpan(i * length, length).CopyTo(cells.AsSpan((i * columns + 1 + m) * length, length));
            photos.Image(i).CopyTo(cells.AsSpan((i * columns + columns - 1) * length, length));
        }
        ImageWriter.WriteGrid(path, cells, rows * columns, 3, photos.Size, photos.Size, columns);
    }
}
