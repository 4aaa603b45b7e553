using System.Diagnostics;
using System.Text.Json;
using NeuralPipelines.Cli.Commands.Training;
using NeuralPipelines.Data.Idx;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>A small trained classifier, its ONNX export and ML.NET zip, the diabetes table and its regression zip, made once
/// for <see cref="OutputSafetyTests"/> and the fault-injection tests; each test copies what it needs into its own folder.</summary>
public sealed class OutputSafetyFixture : IDisposable
{
    private readonly TempFolder folder = new();
    public string Checkpoint { get; }
    public string Onnx { get; }
    public string Zip { get; }
    public string OnnxZip { get; }
    public string Csv { get; }

    public OutputSafetyFixture()
    {
        Checkpoint = folder.File("m.ckpt");
        Onnx = folder.File("m.onnx");
        Zip = folder.File("d.zip");
        OnnxZip = folder.File("m.zip");
        Csv = NeuralPipelines.Data.ShippedData.TablePath("diabetes")!;
        OutputSafetyTests.Ok("train", "mlp", "--layers", "784,16,10", "--epochs", "1", "--train-limit", "300", "--no-train-eval", "--out", Checkpoint);
        OutputSafetyTests.Ok("export", "--model", Checkpoint, "--out", Onnx, "--mlnet", OnnxZip);
        OutputSafetyTests.Ok("regress", "--data", "diabetes", "--out", Zip);
    }

    public void Dispose() => folder.Dispose();
}

/// <summary>No output destroys an input, an existing model or a special file (issue 13, point 1), through the command line,
/// each case in a fresh folder: outputs equal to inputs, read-only files, symlinks, FIFOs, /dev/null, "-", np train over an
/// existing checkpoint, the NaN guard's file, empty splits, and temp files after SIGTERM, SIGINT and SIGKILL.</summary>
public sealed class OutputSafetyTests(OutputSafetyFixture made) : IClassFixture<OutputSafetyFixture>
{
    internal static string Ok(params string[] args)
    {
        var (code, stdout, stderr) = Np(args);
        Assert.True(code == 0, $"np {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>Runs a command expected to fail: exit 1, nothing on stdout, one line on stderr containing <paramref name="words"/>.</summary>
    private static string Refused(string[] args, params string[] words)
    {
        var (code, stdout, stderr) = Np(args);
        Assert.True(code == 1, $"np {string.Join(' ', args)} exited {code}: {stdout}{stderr}");
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{stderr}");
        Assert.StartsWith($"np {args[0]}", lines[0]);
        foreach (var w in words) Assert.Contains(w, lines[0]);
        return lines[0];
    }

    private static string Copy(string from, TempFolder to, string name)
    {
        var path = to.File(name);
        File.Copy(from, path);
        return path;
    }

    private static string[] Temps(string folder) => Directory.GetFiles(folder, ".*.tmp");

    [Fact]
    public void An_output_that_is_an_input_is_refused_before_any_work_naming_both_and_the_input_is_untouched()
    {
        using var temp = new TempFolder();
        string ckpt = Copy(made.Checkpoint, temp, "m.ckpt"), onnx = Copy(made.Onnx, temp, "m.onnx"), csv = Copy(made.Csv, temp, "d.csv"), zip = Copy(made.Zip, temp, "d.zip");
        var alias = temp.File("alias.csv");
        File.CreateSymbolicLink(alias, csv);
        var before = new[] { ckpt, onnx, csv, zip }.ToDictionary(p => p, File.ReadAllBytes);

        Refused(["export", "--model", ckpt, "--out", ckpt], $"--out {ckpt} is the same file as the input --model {ckpt}", "Nothing was done");
        Refused(["validate", "--model", onnx, "--report", onnx], $"--report {onnx} is the same file as the input --model {onnx}");
        Refused(["regress", "--data", csv, "--out", csv], $"--out {csv} is the same file as the input --data {csv}");
        Refused(["classify", "--data", csv, "--label", "sex", "--out", alias], $"--out {alias} is the same file as the input --data {csv}");
        Refused(["score", "--model", zip, "--data", csv, "--output", csv], $"--output {csv} is the same file as the input --data {csv}");
        Refused(["score", "--model", zip, "--data", csv, "--output", zip], $"--output {zip} is the same file as the input --model {zip}");
        Refused(["export", "--model", ckpt, "--out", temp.File("x.onnx"), "--mlnet", temp.File("x.onnx")], "are the same file");
        Refused(["train", "--resume", ckpt, "--out", ckpt.Replace("m.ckpt", "./m.ckpt"), "--epochs", "2", "--data", temp.File("nowhere")], "nowhere");
        // A photo colorized into its own folder would replace itself.
        var photos = Directory.CreateDirectory(temp.File("photos")).FullName;
        var photo = Path.Combine(photos, "00000.png");
        File.Copy(Path.Combine(NeuralPipelines.Data.ShippedData.PhotoFolderPath("photos")!, "test", "00000.png"), photo);
        before[photo] = File.ReadAllBytes(photo);
        Refused(["colorize", "--model", onnx, "--input", photos, "--out", photos], $"--out {photo} is the same file as the input --input {photo}");

        foreach (var (path, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.False(File.Exists(temp.File("x.onnx")));
        Assert.Empty(Temps(temp.Path));
    }

    [Fact]
    public void An_existing_model_is_replaced_only_by_a_model_of_its_own_kind_unless_forced()
    {
        using var temp = new TempFolder();
        string ckpt = Copy(made.Checkpoint, temp, "victim.ckpt"), onnx = Copy(made.Onnx, temp, "victim.onnx"), zip = Copy(made.Zip, temp, "victim.zip");
        // Told by content, not by name: a checkpoint saved as scores.csv is still a checkpoint.
        string disguised = Copy(made.Checkpoint, temp, "scores.csv");
        var before = new[] { ckpt, onnx, zip, disguised }.ToDictionary(p => p, File.ReadAllBytes);

        Refused(["score", "--model", made.Zip, "--data", "diabetes", "--output", ckpt],
            $"--output {ckpt}: an existing checkpoint; this would replace it with CSV. Give another path, or --force to replace it.");
        Refused(["score", "--model", made.Zip, "--data", "diabetes", "--output", disguised], $"--output {disguised}: an existing checkpoint");
        Refused(["validate", "--model", made.Onnx, "--limit", "50", "--report", onnx], $"--report {onnx}: an existing ONNX model; this would replace it with JSON.");
        Refused(["export", "--model", made.Checkpoint, "--out", ckpt], $"--out {ckpt}: an existing checkpoint; this would replace it with an ONNX model.");
        Refused(["export", "--model", made.Checkpoint, "--out", temp.File("new.onnx"), "--mlnet", onnx], $"--mlnet {onnx}: an existing ONNX model; this would replace it with an ML.NET zip.");
        Refused(["regress", "--data", "diabetes", "--out", onnx], $"--out {onnx}: an existing ONNX model");
        Refused(["classify", "--data", "iris", "--out", ckpt], $"--out {ckpt}: an existing checkpoint");
        Refused(["score", "--model", made.Onnx, "--data", "mnist", "--output", zip], $"--output {zip}: an existing zip archive");
        foreach (var (path, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.False(File.Exists(temp.File("new.onnx")));

        // A model of the same kind replaces it, as re-exporting and refitting always did.
        Ok("export", "--model", made.Checkpoint, "--out", onnx);
        Assert.Equal(File.ReadAllBytes(made.Onnx), File.ReadAllBytes(onnx));
        Ok("regress", "--data", "diabetes", "--out", zip);
        // --force says the user means it.
        Ok("score", "--model", made.Zip, "--data", "diabetes", "--output", ckpt, "--force");
        Assert.StartsWith("age,sex,bmi", File.ReadAllText(ckpt));
        Assert.Empty(Temps(temp.Path));
    }

    [LinuxFact("Unix file modes"), System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_read_only_output_is_refused_unless_forced_and_a_forced_one_is_a_whole_new_file_still_read_only()
    {
        using var temp = new TempFolder();
        var ro = temp.Write("frozen.zip", "not a model yet");
        File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Refused(["regress", "--data", "diabetes", "--out", ro], $"--out {ro}: the file is read-only (mode 444)", "--force");
        Refused(["export", "--model", made.Checkpoint, "--out", temp.File("new.onnx"), "--mlnet", ro], $"--mlnet {ro}: the file is read-only");
        Assert.Equal("not a model yet", File.ReadAllText(ro));
        Assert.False(File.Exists(temp.File("new.onnx"))); // both files of np export, or neither

        Ok("regress", "--data", "diabetes", "--out", ro, "--force");
        Assert.Equal(0b100_100_100, FileIdentity.Of(ro)!.Mode);
        var scores = temp.File("scores.csv");
        Ok("score", "--model", ro, "--data", "diabetes", "--output", scores);
        Assert.StartsWith("age,sex,bmi", File.ReadAllText(scores));
        Assert.Empty(Temps(temp.Path));
    }

    /// <summary>/sys takes no new file, even from root (for whom a chmod'ed folder would still be writable): the folder of
    /// an output is probed before any work, so np train does not spend an epoch before finding out (audit M6).</summary>
    [LinuxFact("/sys, a folder where no one can create a file")]
    public void An_output_in_a_folder_that_takes_no_new_file_is_refused_before_any_work()
    {
        Refused(["train", "mlp", "--layers", "784,8,10", "--epochs", "1", "--train-limit", "200", "--no-train-eval", "--out", "/sys/m.ckpt"],
            "--out /sys/m.ckpt: cannot write in the folder /sys (", "nothing was written");
        Refused(["train", "colorize", "--epochs", "1", "--out", "/sys/c.ckpt"], "--out /sys/c.ckpt: cannot write in the folder /sys");
        Refused(["score", "--model", made.Zip, "--data", "diabetes", "--output", "/sys/p.csv"], "--output /sys/p.csv: cannot write in the folder /sys");
        Refused(["export", "--model", made.Checkpoint, "--out", "/sys/m.onnx"], "--out /sys/m.onnx: cannot write in the folder /sys");
    }

    [Fact]
    public void A_symlinked_output_keeps_its_link_and_replaces_the_target()
    {
        using var temp = new TempFolder();
        var real = temp.Write("real.onnx", "old");
        var link = temp.File("link.onnx");
        File.CreateSymbolicLink(link, "real.onnx");
        Ok("export", "--model", made.Checkpoint, "--out", link);
        Assert.Equal("real.onnx", new FileInfo(link).LinkTarget);
        Assert.Equal(File.ReadAllBytes(made.Onnx), File.ReadAllBytes(real));
        Assert.Empty(Temps(temp.Path));
    }

    [LinuxFact("a FIFO as the output")]
    public async Task A_fifo_output_is_written_in_place_and_stays_a_fifo()
    {
        using var temp = new TempFolder();
        var fifo = temp.File("scores.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();
        var reader = Task.Run(() => File.ReadAllText(fifo));
        Ok("score", "--model", made.Zip, "--data", "diabetes", "--output", fifo);
        var text = await reader.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.StartsWith("age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,target,Score", text);
        Assert.Equal(443, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(FileKind.Fifo, FileIdentity.Of(fifo)!.Kind);
        Assert.Empty(Temps(temp.Path));
    }

    [LinuxFact("a character device, /dev/null, as the output")]
    public void A_character_device_output_is_written_in_place_and_never_replaced()
    {
        using var temp = new TempFolder();
        var device = FileIdentity.Of("/dev/null")!;
        // Before anything is written: were /dev/null taken for a regular file, the writes below would replace it.
        Assert.Equal(FileKind.CharacterDevice, device.Kind);
        var link = temp.File("mynull");
        File.CreateSymbolicLink(link, "/dev/null");
        Assert.True(OutputTarget.Resolve(link, force: false).InPlace);

        Ok("score", "--model", made.Zip, "--data", "diabetes", "--output", link);
        Ok("regress", "--data", "diabetes", "--out", link);
        Ok("validate", "--model", made.Onnx, "--limit", "50", "--report", "/dev/null");
        Assert.Equal(device, FileIdentity.Of("/dev/null"));
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
        Assert.Empty(Temps(temp.Path));
    }

    [Fact]
    public void A_dash_writes_a_text_output_to_stdout_and_is_refused_for_binary_outputs_and_beside_json()
    {
        using var temp = new TempFolder();
        var (code, stdout, stderr) = Np("score", "--model", made.Zip, "--data", "diabetes", "--output", "-");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,target,Score", stdout);
        Assert.Contains("wrote -", stderr);
        Assert.False(File.Exists("-"));

        (code, stdout, stderr) = Np("validate", "--model", made.Onnx, "--limit", "100", "--report", "-");
        Assert.True(code == 0, stderr);
        using (var report = JsonDocument.Parse(stdout)) Assert.Equal(100, report.RootElement.GetProperty("images").GetInt32());

        Refused(["regress", "--data", "diabetes", "--out", "-"], "--out -: only text outputs can go to stdout");
        Refused(["export", "--model", made.Checkpoint, "--out", "-"], "--out -: only text outputs can go to stdout");
        Refused(["score", "--model", made.Zip, "--data", "diabetes", "--output", "-", "--json"], "stdout already carries the --json object");
        var folder = Directory.CreateDirectory(temp.File("folder")).FullName;
        Refused(["regress", "--data", "diabetes", "--out", folder], "a folder, not a file");
    }

    [LinuxFact("a child np whose stdout is a pipe, named by /dev/stdout")]
    public void An_output_that_is_nps_own_stdout_pipe_is_refused_so_the_summary_lines_cannot_be_mixed_into_it()
    {
        // The child's stdout is a pipe: /dev/stdout is that pipe, written in place. It used to get the ONNX model followed
        // by "m → /dev/stdout (… bytes …)", and the CSV followed by "scored … rows …; wrote /dev/stdout", exit 0.
        foreach (var (args, words) in new[]
        {
            (new[] { "export", "--model", made.Checkpoint, "--out", "/dev/stdout" }, "so they would be mixed into an ONNX model"),
            (new[] { "score", "--model", made.Zip, "--data", "diabetes", "--output", "/dev/stdout" }, "give - to write there"),
            (new[] { "validate", "--model", made.Onnx, "--limit", "50", "--report", "/dev/stdout" }, "give - to write there"),
        })
        {
            var (code, stdout, stderr) = FreshProcess(args);
            Assert.True(code == 1, $"np {string.Join(' ', args)} exited {code}: {stderr}");
            Assert.Equal("", stdout);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"{args[^2]} /dev/stdout: np's standard output, where its summary lines go too", line);
            Assert.Contains(words, line);
        }
    }

    [Fact]
    public void A_second_run_given_an_output_another_run_is_writing_is_refused_naming_that_process()
    {
        using var temp = new TempFolder();
        var onnx = Copy(made.Onnx, temp, "m.onnx");
        var before = File.ReadAllBytes(onnx);
        // Another run holding m.onnx (through a symlink, so that two spellings of one output meet at one claim). Two np train
        // runs given one --out used to both go ahead, interleave their epochs' saves and both report the file as theirs.
        var alias = temp.File("alias.onnx");
        File.CreateSymbolicLink(alias, onnx);
        using (OutputLock.Acquire(OutputTarget.Resolve(alias, force: false)))
        {
            var line = Refused(["export", "--model", made.Checkpoint, "--out", onnx], $"--out {onnx}: another process", "is writing this output now");
            if (OperatingSystem.IsLinux()) Assert.Contains($"(PID {Environment.ProcessId})", line);
            Refused(["train", "mlp", "--layers", "784,16,10", "--epochs", "1", "--train-limit", "100", "--no-train-eval", "--force", "--out", onnx], "is writing this output now");
            Assert.Equal(before, File.ReadAllBytes(onnx));
        }
        // The claim ended: the next run goes ahead and leaves no lock file behind.
        Ok("export", "--model", made.Checkpoint, "--out", onnx);
        Assert.Empty(Directory.GetFiles(temp.Path, ".*np-lock"));
    }

    /// <summary>np in a child under a file-size limit of 1 KB (<c>ulimit -f 1</c>, SIGXFSZ ignored), so that its first
    /// output larger than that fails with EFBIG, as a FAT32 stick does past 4 GB.</summary>
    private static (int Code, string Out, string Err) UnderFileSizeLimit(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The runtime's W^X double mapping sizes a memory file past the limit: it would not start.
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        foreach (var a in (string[])["-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"", "dotnet", Path.Combine(AppContext.BaseDirectory, "np.dll"), .. args])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "np did not finish within 2 minutes");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [LinuxFact("ulimit -f through bash")]
    public void A_write_past_the_file_size_limit_names_the_output_and_leaves_no_empty_folder_of_the_runs_making()
    {
        using var temp = new TempFolder();
        var generator = temp.File("g.ckpt");
        Ok("train", "gmmn", "--epochs", "1", "--batch-size", "100", "--train-limit", "200", "--out", generator);
        // EFBIG used to surface as "Specified file length was too large for the file system. (Parameter 'value')",
        // naming no file, and np sample and np demo left the empty folder they had made for the run.
        foreach (var (args, file) in new[]
        {
            (new[] { "sample", "--model", generator, "--count", "2", "--out", temp.File("samples") }, Path.Combine(temp.File("samples"), "sample-0001.png")),
            (new[] { "demo", "--out", temp.File("demo") }, Path.Combine(temp.File("demo"), "diabetes-closed-form.zip")),
        })
        {
            var (code, _, stderr) = UnderFileSizeLimit(args);
            Assert.True(code == 1, $"np {args[0]} exited {code}: {stderr}");
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"{file}: the file grew past what the file system or this process's file-size limit (ulimit -f) allows; nothing was written.", line);
            Assert.False(Directory.Exists(args[^1]), $"np {args[0]} left its empty folder {args[^1]}");
        }
        Assert.Equal(["g.ckpt", "g.curves.png", "g.samples.png"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_dash_is_refused_for_a_folder_of_outputs_before_any_work_and_no_folder_named_dash_is_made()
    {
        // Each used to make a folder named "-" and fill it, exit 0 (audit F1); refused before the model is even opened.
        var photo = Directory.GetFiles(Path.Combine(NeuralPipelines.Data.ShippedData.Photos, "test"), "*.png")[0];
        Refused(["sample", "--model", made.Checkpoint, "--out", "-"], "--out -: only text outputs can go to stdout; give a folder name");
        Refused(["colorize", "--model", made.Onnx, "--input", photo, "--out", "-"], "--out -: only text outputs can go to stdout; give a folder name");
        Refused(["demo", "--out", "-"], "--out -: only text outputs can go to stdout; give a folder name");
        Assert.False(Directory.Exists("-"));
    }

    [Fact]
    public void Np_train_refuses_to_start_over_an_existing_checkpoint_unless_resumed_or_forced_and_never_leaves_untrained_weights()
    {
        using var temp = new TempFolder();
        var keep = Copy(made.Checkpoint, temp, "keep.ckpt");
        var good = File.ReadAllBytes(keep);
        string[] quick = ["--epochs", "1", "--train-limit", "200", "--no-train-eval"];

        Refused(["train", "lenet5", .. quick, "--out", keep], $"--out {keep} already exists", $"--resume {keep}", "--force");
        Refused(["train", "gan", "--epochs", "1", "--out", keep], $"--out {keep} already exists");
        Refused(["train", "colorize", "--epochs", "1", "--out", keep], $"--out {keep} already exists");
        var other = Copy(made.Checkpoint, temp, "other.ckpt");
        Refused(["train", "--resume", other, "--epochs", "2", "--train-limit", "300", "--out", keep], "is not the --resume checkpoint");
        Assert.Equal(good, File.ReadAllBytes(keep));

        // --force with a run that diverges in its first epoch: the old checkpoint is still there, unchanged.
        var (code, _, stderr) = Np(["train", "mlp", "--layers", "784,8,10", "--cost", "quadratic", "--lr", "1e30", .. quick, "--out", keep, "--force"]);
        Assert.Equal(1, code);
        Assert.Contains($"No checkpoint was written (no epoch ended in good health); {keep} was left as it was.", stderr);
        Assert.Equal(good, File.ReadAllBytes(keep));

        // --resume of the same file continues it.
        Ok("train", "--resume", keep, "--epochs", "2", "--train-limit", "300", "--out", keep);
        Assert.Equal(2, ClassifierCheckpoint.Load(keep).Training!.CompletedEpochs);

        // --force with a good run replaces it after the first epoch, with the new architecture.
        Ok(["train", "mlp", "--layers", "784,8,10", .. quick, "--out", keep, "--force"]);
        var (model, state) = ClassifierCheckpoint.Load(keep);
        Assert.Equal(1, state!.CompletedEpochs);
        Assert.Equal("784,8,10", model.Metadata["layers"]);
        Assert.Empty(Temps(temp.Path));
    }

    [Fact]
    public void The_nan_guard_names_a_checkpoint_that_exists()
    {
        using var temp = new TempFolder();
        // Epoch 1 at η 0.05 is good; the step schedule multiplies η by 1e30 for epoch 2, which diverges.
        var ckpt = temp.File("d.ckpt");
        var (code, _, stderr) = Np("train", "mlp", "--layers", "784,16,10", "--cost", "quadratic", "--lr", "0.05", "--schedule", "step:1:1e30",
            "--epochs", "3", "--train-limit", "200", "--no-train-eval", "--out", ckpt);
        Assert.Equal(1, code);
        Assert.Contains("The best checkpoint (epoch 1, test accuracy ", stderr);
        Assert.Contains($"%), also the last good one, is kept in {ckpt}.", stderr);
        Assert.False(File.Exists(BestCheckpoint.LastPathFor(ckpt)));
        Assert.Equal(1, ClassifierCheckpoint.Load(ckpt).Training!.CompletedEpochs);

        // Resumed into another file and diverging at once: the good state is the resumed file, which is named.
        var next = temp.File("next.ckpt");
        (code, _, stderr) = Np("train", "--resume", ckpt, "--epochs", "3", "--train-limit", "200", "--out", next);
        Assert.Equal(1, code);
        Assert.Contains("The last good checkpoint (epoch 1, test accuracy ", stderr);
        Assert.Contains($"%) is kept in {ckpt}; nothing was written to {next}.", stderr);
        Assert.False(File.Exists(next));
    }

    [Fact]
    public void An_empty_split_is_an_error_not_a_result_of_zero_out_of_zero()
    {
        using var temp = new TempFolder();
        Refused(["validate", "--model", made.Onnx, "--limit", "0"], "at least 1, got 0");

        var folder = Directory.CreateDirectory(temp.File("empty-test")).FullName;
        var rng = new Random(1);
        var pixels = new byte[20 * 28 * 28];
        rng.NextBytes(pixels);
        IdxWriter.Write(Path.Combine(folder, "train-images-idx3-ubyte"), IdxArray.FromBytes([20, 28, 28], pixels));
        IdxWriter.Write(Path.Combine(folder, "train-labels-idx1-ubyte"), IdxArray.FromBytes([20], Enumerable.Range(0, 20).Select(i => (byte)(i % 10)).ToArray()));
        IdxWriter.Write(Path.Combine(folder, "t10k-images-idx3-ubyte"), IdxArray.FromBytes([0, 28, 28], []));
        IdxWriter.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxArray.FromBytes([0], []));
        var ckpt = temp.File("e.ckpt");
        Refused(["train", "mlp", "--epochs", "1", "--data", folder, "--out", ckpt], "the test split is empty");
        Refused(["validate", "--model", made.Onnx, "--data", folder], "the test split is empty");
        Refused(["eval", "--model", made.Checkpoint, "--data", folder], "is empty");
        Assert.False(File.Exists(ckpt));
    }

    /// <summary>np export with its ML.NET zip going to a FIFO nobody reads: the ONNX file is staged in a temp file and the
    /// process blocks opening the FIFO, a moment that can be waited for rather than guessed.</summary>
    private static Process StartBlockedExport(string checkpoint, string folder, out string onnx)
    {
        onnx = Path.Combine(folder, "blocked.onnx");
        var fifo = Path.Combine(folder, "zip.fifo");
        if (!File.Exists(fifo)) using (var mkfifo = Process.Start("mkfifo", [fifo])!) mkfifo.WaitForExit();
        var process = StartInNewProcess("export", "--model", checkpoint, "--out", onnx, "--mlnet", fifo);
        var clock = Stopwatch.StartNew();
        while (Temps(folder).Length == 0 && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90)) Thread.Sleep(50);
        Assert.True(Temps(folder).Length == 1, $"np export made no temp file: {(process.HasExited ? process.StandardError.ReadToEnd() : "still running")}");
        return process;
    }

    [SignalFact("TERM")]
    public void A_sigterm_during_a_write_removes_the_temp_file_and_leaves_no_output() => SignalDuringAWrite("TERM", 143);

    [SignalFact("INT")]
    public void A_sigint_during_a_write_removes_the_temp_file_and_leaves_no_output() => SignalDuringAWrite("INT", 130);

    private void SignalDuringAWrite(string signal, int exitCode)
    {
        using var temp = new TempFolder();
        using var process = StartBlockedExport(made.Checkpoint, temp.Path, out var onnx);
        try
        {
            using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()])!) kill.WaitForExit();
            Assert.True(process.WaitForExit(30_000), "np export did not end after the signal");
            Assert.Equal(exitCode, process.ExitCode);
            Assert.Empty(Temps(temp.Path));
            Assert.False(File.Exists(onnx));
        }
        finally { if (!process.HasExited) process.Kill(); }
    }

    [LinuxFact("a FIFO to hold np export, and /proc to tell a live process from a gone one")]
    public void A_temp_file_left_by_a_killed_run_is_removed_by_the_next_write_to_its_folder()
    {
        using var temp = new TempFolder();
        using (var process = StartBlockedExport(made.Checkpoint, temp.Path, out _))
        {
            process.Kill(); // SIGKILL: no handler runs
            process.WaitForExit();
        }
        var stale = Assert.Single(Temps(temp.Path));
        Ok("export", "--model", made.Checkpoint, "--out", temp.File("next.onnx"));
        Assert.False(File.Exists(stale));
        Assert.Empty(Temps(temp.Path));
    }
}
