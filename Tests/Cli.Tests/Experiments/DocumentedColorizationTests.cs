using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Evaluation;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>The long tier's colorization rows (NP_LONG_TESTS=1): each colorizer of docs/EXPERIMENTS.md is trained again
/// with the doc's exact <c>np train colorize</c> command (in-process, <c>--json</c>) and measured on the held-out photos
/// by <see cref="ColorizationMeasure"/>, the code <c>colorize-eval</c> measures with; its PSNR and colourfulness must land
/// within <see cref="PsnrDb"/> and <see cref="ColourfulnessShare"/> of the doc's figures. One row:
/// <c>NP_LONG_TESTS=1 dotnet test Tests/Cli.Tests --filter "DisplayName~colorize l1"</c> (a 32×32 row is 7–25 minutes
/// on two cores, a 64×64 one about four times that).</summary>
/// <remarks>TOLERANCE</remarks>
public class DocumentedColorizationTests(ITestOutputHelper output)
{
    /// <summary>The shared photo set every documented colorizer trained on; rows skip, saying so, where it is absent.</summary>
    public const string Photos = "/work/shared/data/photos-64";

    public const double PsnrDb = 0.5;

    public const double ColourfulnessShare = 0.15;

    public static TheoryData<string> Rows
    {
        get
        {
            var rows = new TheoryData<string>();
            foreach (var c in ExperimentsDocument.Colorizations) rows.Add(c.Id);
            return rows;
        }
    }

    [LongTheory(needsFolder: Photos), MemberData(nameof(Rows))]
    public void A_documented_colorizer_reproduces_its_psnr_and_colourfulness(string row)
    {
        var c = ExperimentsDocument.Colorization(row);
        using var folder = new TempFolder();
        var json = ClassicCli.Json(c.Run.ArgumentsWritingTo(folder.Path));
        var model = Models.Checkpoints.ColorizerCheckpoint.Load(c.Run.CheckpointIn(folder.Path)).Model;
        var q = ColorizationMeasure.Of(new Colorizer(model), ImageFolder.Load(c.TestFolder, model.Size));
        output.WriteLine($"{c.Run.CommandLine}: PSNR {q.Psnr:F2} dB (documented {c.Psnr:F2}, ±{PsnrDb}), colourfulness {q.Colourfulness:F2} " +
            $"(documented {c.Colourfulness:F2}, ±{ColourfulnessShare:P0}), SSIM {q.Ssim:F3}; {json.GetProperty("train_seconds").GetDouble():F0} s of training");
        Assert.True(Math.Abs(q.Psnr - c.Psnr) <= PsnrDb,
            $"{c.Id}: `{c.Run.CommandLine}` gives PSNR {q.Psnr:F2} dB on {c.TestFolder}; docs/EXPERIMENTS.md says {c.Psnr:F2} (tolerance ±{PsnrDb} dB)");
        Assert.True(Math.Abs(q.Colourfulness - c.Colourfulness) <= ColourfulnessShare * c.Colourfulness,
            $"{c.Id}: `{c.Run.CommandLine}` gives colourfulness {q.Colourfulness:F2} on {c.TestFolder}; docs/EXPERIMENTS.md says {c.Colourfulness:F2} (tolerance ±{ColourfulnessShare:P0})");
    }
}
