using System.Text.Json;
using NeuralPipelines.Cli.Commands.Training;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np train --patience</c> from the outside: what an early-stopped run leaves, and what resuming it does.</summary>
public sealed class EarlyStopCommandTests
{
    /// <summary>η 2 on 500 digits: epoch 1 is the best (15.75 %), epoch 2 worse, so --patience 1 stops after epoch 2.</summary>
    private static JsonElement StopEarly(string ckpt) =>
        Json("train", "mlp", "--lr", "2", "--patience", "1", "--epochs", "20", "--train-limit", "500", "--out", ckpt);

    /// <summary>Audit L4: the run's last epoch stayed at --out and the copy of its best epoch, which the stop line named,
    /// was deleted with the run's other insurance copies, so the best epoch was nowhere.</summary>
    [Fact]
    public void An_early_stopped_run_keeps_its_best_epoch_beside_its_last_and_names_it()
    {
        using var temp = new TempFolder();
        var ckpt = temp.File("p.ckpt");
        var json = StopEarly(ckpt);
        Assert.StartsWith("early stop after epoch 2", json.GetProperty("stop_reason").GetString());
        var best = BestCheckpoint.BestPathFor(ckpt);
        Assert.Equal(best, json.GetProperty("best_checkpoint").GetString());

        var (_, kept) = ClassifierCheckpoint.Load(best);
        var (_, last) = ClassifierCheckpoint.Load(ckpt);
        Assert.Equal((1, 2), (kept!.CompletedEpochs, last!.CompletedEpochs));
        Assert.Equal(last.BestTestAccuracy, kept.History[^1].TestAccuracy);
        Assert.True(last.History[^1].TestAccuracy < kept.History[^1].TestAccuracy);

        var (code, stdout, stderr) = Np("train", "mlp", "--lr", "2", "--patience", "1", "--epochs", "20", "--train-limit", "500", "--out", ckpt, "--force");
        Assert.True(code == 0, stderr);
        Assert.Contains($"the best epoch (1, test accuracy {100 * kept.History[^1].TestAccuracy:F2} %) is kept in {best}", stdout);
    }

    /// <summary>Audit L3: resuming an early-stopped checkpoint printed "epochs 3..5", trained nothing, exited 0 and named a
    /// checkpoint at --out that it never wrote.</summary>
    [Fact]
    public void Resuming_an_early_stopped_run_is_refused_and_writes_nothing()
    {
        using var temp = new TempFolder();
        var ckpt = temp.File("p.ckpt");
        StopEarly(ckpt);
        var before = Directory.GetFiles(temp.Path).Order().ToArray();
        var other = temp.File("p2.ckpt");
        AssertFailsWithOneLine("train", ["train", "--resume", ckpt, "--epochs", "5", "--train-limit", "500", "--out", other],
            $"{ckpt} stopped early (early stop after epoch 2", "a resumed run would train nothing", "--patience");
        Assert.Equal(before, Directory.GetFiles(temp.Path).Order().ToArray());
    }
}
