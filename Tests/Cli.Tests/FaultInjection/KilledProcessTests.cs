using System.Diagnostics;
using System.Text;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Validation;
using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.FaultInjection;

/// <summary>The built <c>np</c> as a child process (<c>dotnet np.dll</c>), killed at seeded random moments of
/// <c>train</c>, <c>export</c> and <c>score</c> over outputs that already exist (issue 13, point 5). Afterwards each
/// output is either the old file, byte for byte, or a complete new one that loads; the two outputs of
/// <c>np export --out --mlnet</c> are both old or both new; after SIGTERM no temp file is left and the exit code is 143
/// (or 0 when the run had already finished).</summary>
public sealed class KilledProcessTests(OutputSafetyFixture models, ITestOutputHelper output) : IClassFixture<OutputSafetyFixture>
{
    private static readonly byte[] OldContent = "an older file that must survive whole or be replaced whole\n"u8.ToArray();

    // Peak resident memory of the child (PeakResidentMemory): about twice the uninterrupted run's, measured on the 2-core
    // machine (train 118 MB, export 113 MB, score 105 MB; docs/RELIABILITY.md). The runtime, ONNX Runtime and ML.NET take
    // most of it, so a bound nearer the measure would fail on another machine's thread count or page cache; what the bound
    // is for, a buffer sized from a header or a leak per row, costs far more. All three run on the CPU (export's parity
    // check asks for it; score reads an ML.NET zip), so a GPU's libraries do not count here.
    private const long TrainPeak = 240L << 20, ExportPeak = 240L << 20, ScorePeak = 224L << 20;

    [LinuxFact("SIGTERM and SIGKILL at a chosen moment")]
    public void Np_train_killed_at_any_moment_leaves_the_old_checkpoint_or_a_complete_new_one()
    {
        Kill("train", out_ => ["train", "mlp", "--layers", "784,16,10", "--epochs", "3", "--train-limit", "400", "--no-train-eval", "--force", "--out", out_[0]],
            ["t.ckpt"], seed: 31, TrainPeak,
            files => { ClassifierCheckpoint.Load(files[0]); },
            sideOutputs: ["t.curves.png", "t.best.ckpt"]);
    }

    [LinuxFact("SIGTERM and SIGKILL at a chosen moment")]
    public void Np_export_killed_at_any_moment_leaves_both_old_files_or_both_new_ones()
    {
        Kill("export", out_ => ["export", "--model", models.Checkpoint, "--out", out_[0], "--mlnet", out_[1]],
            ["e.onnx", "e.zip"], seed: 37, ExportPeak,
            files =>
            {
                using (OnnxScorer.Load(files[0], new OnnxScorerOptions { PreferCuda = false, Log = _ => { } })) { }
                using (SavedModel.Load(files[1])) { }
            });
    }

    [LinuxFact("SIGTERM and SIGKILL at a chosen moment")]
    public void Np_score_killed_at_any_moment_leaves_the_old_predictions_or_complete_new_ones()
    {
        Kill("score", out_ => ["score", "--model", models.Zip, "--data", "diabetes", "--output", out_[0]],
            ["p.csv"], seed: 41, ScorePeak,
            files =>
            {
                var lines = File.ReadAllLines(files[0]);
                Assert.StartsWith("age,sex,bmi", lines[0]);
                Assert.Equal(443, lines.Length); // the header and the 442 rows of diabetes
            });
    }

    /// <summary>Runs the command once to learn how long it takes, then four more times over old outputs, killing it
    /// after a seeded random moment in the first 70 % of that time (later runs start warmer and finish sooner): twice
    /// with SIGKILL, twice with SIGTERM.</summary>
    /// <param name="sideOutputs">Files the command writes beside its outputs (np train's learning curves): absent, or whole.</param>
    private void Kill(string command, Func<string[], string[]> args, string[] names, int seed, long peakBound, Action<string[]> complete, string[]? sideOutputs = null)
    {
        var rng = new Random(seed);
        using (var calibration = new TempFolder())
        {
            var files = names.Select(calibration.File).ToArray();
            var clock = Stopwatch.StartNew();
            using var p = Start(args(files), out var calibrationErrors);
            using var memory = PeakResidentMemory.Watch(p);
            Assert.True(p.WaitForExit(180_000), $"np {command} did not finish in 3 minutes");
            p.WaitForExit(); // the stderr reader finishes
            Assert.True(p.ExitCode == 0, $"np {command} exited {p.ExitCode}: {calibrationErrors}");
            complete(files);
            var full = clock.Elapsed;
            long peak = memory?.Bytes ?? 0;
            output.WriteLine($"np {command}: {full.TotalSeconds:F1} s uninterrupted, peak RSS {peak / 1e6:F0} MB (bound {peakBound / 1e6:F0} MB)");
            Assert.True(peak <= peakBound, $"np {command}: peak RSS {peak:N0} bytes, past its bound of {peakBound:N0}");

            foreach (var signal in new[] { "KILL", "TERM", "KILL", "TERM" })
            {
                using var temp = new TempFolder();
                var outputs = names.Select(temp.File).ToArray();
                foreach (var o in outputs) File.WriteAllBytes(o, OldContent);
                var delay = TimeSpan.FromSeconds(full.TotalSeconds * 0.7 * rng.NextDouble());
                using var child = Start(args(outputs), out var errors);
                using var childMemory = PeakResidentMemory.Watch(child);
                if (!child.WaitForExit(delay))
                {
                    if (signal == "KILL") child.Kill();
                    else using (var kill = Process.Start("kill", ["-TERM", child.Id.ToString()])!) kill.WaitForExit();
                    Assert.True(child.WaitForExit(60_000), $"np {command} did not end after SIG{signal}");
                }
                child.WaitForExit(); // the stderr reader finishes
                int code = child.ExitCode;
                long childPeak = childMemory?.Bytes ?? 0;
                Assert.True(childPeak <= peakBound, $"np {command}: peak RSS {childPeak:N0} bytes before SIG{signal}, past its bound of {peakBound:N0}");
                var old = outputs.Select(o => File.Exists(o) && File.ReadAllBytes(o).AsSpan().SequenceEqual(OldContent)).ToArray();
                output.WriteLine($"np {command}, SIG{signal} after {delay.TotalSeconds:F2} s: exit {code}, outputs {(old.All(b => b) ? "old" : old.Any(b => b) ? "MIXED" : "new")}, peak RSS {childPeak / 1e6:F0} MB");
                Assert.True(old.All(b => b) || !old.Any(b => b), $"np {command}: some outputs are old and some new after SIG{signal} at {delay.TotalSeconds:F2} s");
                if (!old[0]) complete(outputs);
                if (signal == "TERM")
                {
                    Assert.True(code is 143 or 0, $"np {command} exited {code} after SIGTERM at {delay.TotalSeconds:F2} s; its stderr:\n{errors}");
                    Assert.Empty(Directory.GetFiles(temp.Path, ".*.tmp"));
                    Assert.Empty(Directory.GetFiles(temp.Path, ".*.np-lock"));
                }
                // A child can end on its own between the wait timing out and the signal arriving: then it exits 0, and a
                // run that says it succeeded must have left the new outputs.
                else Assert.True(code is 137 or 0, $"np {command} exited {code} after SIGKILL; its stderr:\n{errors}");
                Assert.True(code != 0 || !old[0], $"np {command} exited 0 after SIG{signal} at {delay.TotalSeconds:F2} s but left the old outputs");
                // Nothing but the outputs, whole side outputs, and (after SIGKILL) the temp files the next run cleans and the
                // run's empty lock file, which the next run of that output reuses and deletes.
                foreach (var f in Directory.GetFiles(temp.Path))
                {
                    if (outputs.Contains(f) || Path.GetFileName(f).EndsWith(".tmp") || Path.GetFileName(f).EndsWith(".np-lock")) continue;
                    Assert.True(sideOutputs?.Contains(Path.GetFileName(f)) == true, $"unexpected file {f}");
                    // A PNG ends with its IEND chunk: a half-written one does not. A checkpoint beside (the best epoch so far) loads.
                    if (f.EndsWith(".ckpt")) complete([f]);
                    else Assert.True(File.ReadAllBytes(f).AsSpan()[^8..^4].SequenceEqual("IEND"u8), $"{f} is not a whole PNG");
                }
            }
        }
    }

    /// <param name="errors">Everything the child writes on stderr, for the message of a failed assertion.</param>
    private static Process Start(string[] args, out StringBuilder errors)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "np.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        // Drain the pipes so a chatty child never blocks on a full one.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var lines = errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        return process;
    }
}
