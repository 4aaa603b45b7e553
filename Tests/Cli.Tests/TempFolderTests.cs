using NeuralPipelines.Tests;

namespace NeuralPipelines.Cli.Tests;

/// <summary>np leaves nothing in the temp folder: ML.NET writes a copy of the ONNX model of every transformer it loads
/// from bytes there and never deletes it, so a batch script scoring shard after shard would fill it with copies of its
/// model (the process scratch folder, <c>Cli/ProcessScratch.cs</c>, and <c>ScopedMLContext</c> in the library).</summary>
public sealed class TempFolderTests
{
    /// <summary>What is left in <paramref name="folder"/> besides what np does not write: ONNX Runtime's session id
    /// (<c>.ses</c>, one file it reuses) and the .NET runtime's debugger and diagnostics pipes, which the runtime removes
    /// at a normal exit and SIGKILL leaves (SIGTERM no longer does: see the test below).</summary>
    private static string[] LeftIn(string folder) =>
        Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f))
            .Where(f => f != ".ses" && !f.StartsWith("clr-debug-pipe-", StringComparison.Ordinal) && !f.StartsWith("dotnet-diagnostic-", StringComparison.Ordinal))
            .ToArray();

    /// <summary>An empty temp folder inside <paramref name="work"/>, and the environment that hands it to a child np.</summary>
    private static (string Temp, Dictionary<string, string> Environment) EmptyTemp(TempFolder work)
    {
        var temp = Directory.CreateDirectory(work.File("tmp")).FullName;
        return (temp, new Dictionary<string, string> { ["TMPDIR"] = temp });
    }

    private static void AssertNothingLeftIn(string folder)
    {
        var left = LeftIn(folder);
        Assert.True(left.Length == 0, $"left in the temp folder: {string.Join(", ", left)}");
    }

    [Fact]
    public void Training_saving_and_scoring_an_ML_NET_model_zip_in_fresh_processes_leaves_the_temp_folder_as_it_was()
    {
        using var work = new TempFolder();
        var (temp, environment) = EmptyTemp(work);
        var zip = work.File("diabetes.zip");
        var output = work.File("predictions.csv");

        var train = ClassicCli.FreshProcess(environment, "regress", "--data", "diabetes", "--label", "target", "--out", zip);
        Assert.True(train.Code == 0, train.Err);
        var score = ClassicCli.FreshProcess(environment, "score", "--model", zip, "--data", "diabetes", "--output", output);
        Assert.True(score.Code == 0, score.Err);

        Assert.Equal(443, File.ReadLines(output).Count());
        AssertNothingLeftIn(temp);
    }

    /// <summary>A run ended by a signal may leave its scratch folder (SIGKILL always does); the next np run removes it.</summary>
    [LinuxFact("SIGTERM and SIGKILL at a chosen moment")]
    public void What_an_export_ended_by_a_signal_leaves_in_the_temp_folder_goes_with_the_next_run()
    {
        using var work = new TempFolder();
        var (temp, environment) = EmptyTemp(work);
        var checkpoint = work.File("m.ckpt");
        var train = ClassicCli.FreshProcess(environment, "train", "mlp", "--layers", "784,16,10", "--epochs", "1", "--train-limit", "200", "--no-train-eval", "--out", checkpoint);
        Assert.True(train.Code == 0, train.Err);
        foreach (var (signal, moment) in new[] { ("TERM", 0.6), ("KILL", 0.9), ("TERM", 1.2) })
        {
            using var export = ClassicCli.StartInNewProcess(environment, "export", "--model", checkpoint, "--out", work.File($"m{moment}.onnx"), "--mlnet", work.File($"m{moment}.zip"));
            var stderr = export.StandardError.ReadToEndAsync();
            if (!export.WaitForExit(TimeSpan.FromSeconds(moment)))
                using (var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", export.Id.ToString()])!) kill.WaitForExit();
            Assert.True(export.WaitForExit(60_000), $"np export did not end after SIG{signal}");
            Assert.True(export.ExitCode is 143 or 137 or 0, $"np export exited {export.ExitCode}: {stderr.Result}");
        }
        // As if the killed runs were StaleAfter ago (a gone process's folder is left that long: see ProcessScratch).
        foreach (var folder in Directory.GetDirectories(temp, "np-scratch-*"))
            Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow.AddMinutes(-11));
        var next = ClassicCli.FreshProcess(environment, "datasets", "list");
        Assert.True(next.Code == 0, next.Err);
        AssertNothingLeftIn(temp);
    }

    /// <summary>SIGTERM used to end np without the runtime's clean-up once np's writer had its signal handler, leaving the
    /// runtime's debugger pipes and diagnostics socket in the temp folder for good, one set per run (RuntimePipes).</summary>
    [SignalFact("TERM")]
    public void Sigterm_during_a_write_leaves_none_of_the_runtimes_pipes_in_the_temp_folder()
    {
        using var work = new TempFolder();
        var (temp, environment) = EmptyTemp(work);
        var checkpoint = work.File("m.ckpt");
        var train = ClassicCli.FreshProcess(environment, "train", "mlp", "--layers", "784,16,10", "--epochs", "1", "--train-limit", "200", "--no-train-eval", "--out", checkpoint);
        Assert.True(train.Code == 0, train.Err);
        // np export blocked on a FIFO it writes in place, after staging its ONNX file: the writer's handler is in place.
        var fifo = work.File("blocked.zip");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!) mkfifo.WaitForExit();
        using var export = ClassicCli.StartInNewProcess(environment, "export", "--model", checkpoint, "--out", work.File("m.onnx"), "--mlnet", fifo);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Directory.GetFiles(work.Path, ".*.tmp").Length == 0 && !export.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90)) Thread.Sleep(50);
            Assert.True(Directory.GetFileSystemEntries(temp, "dotnet-diagnostic-*").Length == 1, "the runtime made no diagnostics socket to look for");
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", export.Id.ToString()])!) kill.WaitForExit();
            Assert.True(export.WaitForExit(30_000), "np export did not end after SIGTERM");
            Assert.Equal(143, export.ExitCode);
            var left = Directory.GetFileSystemEntries(temp).Select(Path.GetFileName)
                .Where(f => f!.StartsWith("clr-debug-pipe-", StringComparison.Ordinal) || f.StartsWith("dotnet-diagnostic-", StringComparison.Ordinal));
            Assert.True(!left.Any(), $"np export (PID {export.Id}) left {string.Join(", ", left)}");
        }
        finally { if (!export.HasExited) export.Kill(); }
    }

    /// <summary>A gone process's folder is deleted only once untouched for a while: in a temp folder shared between PID
    /// namespaces, another container's live np looks gone from here.</summary>
    [LinuxFact("process ids")]
    public void A_scratch_folder_of_a_process_that_is_gone_goes_only_when_it_has_been_untouched_for_a_while()
    {
        using var work = new TempFolder();
        var (temp, environment) = EmptyTemp(work);
        int pid = Enumerable.Range(400_000, 1000).First(p => !Directory.Exists($"/proc/{p}"));
        var recent = Directory.CreateDirectory(Path.Combine(temp, $"np-scratch-{pid}-recent")).FullName;
        var old = Directory.CreateDirectory(Path.Combine(temp, $"np-scratch-{pid}-old")).FullName;
        File.WriteAllText(Path.Combine(old, "model-copy"), "x");
        Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddMinutes(-11));

        var run = ClassicCli.FreshProcess(environment, "datasets", "list");
        Assert.True(run.Code == 0, run.Err);
        Assert.True(Directory.Exists(recent), "a folder written a moment ago was deleted");
        Assert.False(Directory.Exists(old), "a folder untouched for 11 minutes was left");
    }
}
