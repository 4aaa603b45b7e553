using System.Text.Json;
using NeuralPipelines.Tests;
using SixLabors.ImageSharp;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np train gan|gmmn|gmmn-ae</c>, <c>np export</c> of a generator and <c>np sample</c>, end to end in a fresh
/// folder; and every bad input of <c>np sample</c> gives one line, a non-zero exit and no file.</summary>
public sealed class GenerativeCommandTests : IClassFixture<GenerativeCommandTests.Trained>
{
    private readonly Trained _trained;

    public GenerativeCommandTests(Trained trained) => _trained = trained;

    /// <summary>One short GMMN run and its ONNX export, shared by the tests.</summary>
    public sealed class Trained : IDisposable
    {
        public readonly TempFolder Folder = new();
        public string Checkpoint => Folder.File("gmmn.ckpt");
        public string Onnx => Folder.File("gmmn.onnx");
        public JsonDocument Report { get; }

        public Trained()
        {
            var (code, stdout, stderr) = Np("train", "gmmn", "--epochs", "2", "--batch-size", "500", "--train-limit", "1000", "--out", Checkpoint, "--json");
            if (code != 0) throw new InvalidOperationException(stderr);
            Report = JsonDocument.Parse(stdout);
            var export = Np("export", "--model", Checkpoint, "--out", Onnx);
            if (export.Code != 0) throw new InvalidOperationException(export.Err);
        }

        public void Dispose() { Report.Dispose(); Folder.Dispose(); }
    }

    [Fact]
    public void Training_writes_the_checkpoint_a_sample_grid_and_curves_and_reports_json()
    {
        var root = _trained.Report.RootElement;
        Assert.Equal("gmmn", root.GetProperty("kind").GetString());
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.Equal(2, root.GetProperty("per_epoch").GetArrayLength());
        Assert.True(root.GetProperty("per_epoch")[0].GetProperty("losses").GetProperty("mmd").GetDouble() > 0);
        var samples = root.GetProperty("samples").GetString()!;
        using var grid = Image.Load(samples);
        Assert.Equal((8 * 29 + 1, 8 * 29 + 1), (grid.Width, grid.Height)); // 64 images of 28×28, one-pixel gaps
        Assert.True(File.Exists(root.GetProperty("curves").GetString()));
    }

    [Fact]
    public void The_checkpoint_and_its_onnx_export_draw_the_same_images_for_the_same_seed()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Np("sample", "--model", _trained.Checkpoint, "--count", "9", "--seed", "4", "--out", folder.File("a.png")).Code);
        Assert.Equal(0, Np("sample", "--model", _trained.Onnx, "--count", "9", "--seed", "4", "--out", folder.File("b.png")).Code);
        Assert.Equal(0, Np("sample", "--model", _trained.Onnx, "--count", "9", "--seed", "5", "--out", folder.File("c.png")).Code);
        Assert.Equal(File.ReadAllBytes(folder.File("a.png")), File.ReadAllBytes(folder.File("b.png")));
        Assert.NotEqual(File.ReadAllBytes(folder.File("a.png")), File.ReadAllBytes(folder.File("c.png")));

        var (code, stdout, stderr) = Np("sample", "--model", _trained.Checkpoint, "--count", "3", "--out", folder.File("each"), "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(3, JsonDocument.Parse(stdout).RootElement.GetProperty("files").GetInt32());
        Assert.Equal(["sample-0001.png", "sample-0002.png", "sample-0003.png"], Directory.GetFiles(folder.File("each")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Resuming_a_generator_continues_to_the_new_epoch_total()
    {
        using var folder = new TempFolder();
        var ckpt = folder.File("g.ckpt");
        File.Copy(_trained.Checkpoint, ckpt);
        var (code, stdout, stderr) = Np("train", "--resume", ckpt, "--epochs", "3", "--train-limit", "1000", "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(3, JsonDocument.Parse(stdout).RootElement.GetProperty("epochs").GetInt32());
        var refused = Np("train", "--resume", ckpt, "--epochs", "4", "--train-limit", "1000", "--lr", "0.1");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("--lr: a resumed run keeps the options saved in", refused.Err);
    }

    /// <summary>Audit L1: a generative resume took other training data than the checkpoint's (a classifier's is refused), and
    /// a total it had already reached, printing "epochs 3..2" and rewriting the curves.</summary>
    [Fact]
    public void Resuming_a_generator_refuses_other_training_data_and_a_total_already_reached()
    {
        using var folder = new TempFolder();
        var ckpt = folder.File("g.ckpt");
        File.Copy(_trained.Checkpoint, ckpt);
        var before = File.ReadAllBytes(ckpt);
        AssertFailsWithOneLine("train", ["train", "--resume", ckpt, "--epochs", "3", "--train-limit", "900"],
            $"{ckpt} was trained on 1000 images but --data/--train-limit give 900; resume with the same training data.");
        foreach (var total in new[] { "1", "2" })
            AssertFailsWithOneLine("train", ["train", "--resume", ckpt, "--epochs", total, "--train-limit", "1000"], $"--epochs {total}: {ckpt} already has 2 epochs");
        AssertFailsWithOneLine("train", ["train", "--resume", ckpt, "--train-limit", "1000"], $"{ckpt} already has all 2 of its epochs");
        Assert.Equal(before, File.ReadAllBytes(ckpt));
        Assert.Equal(["g.ckpt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Sampling_a_classifier_checkpoint_is_refused_with_one_line_and_nothing_written()
    {
        using var folder = new TempFolder();
        var ckpt = folder.File("mlp.ckpt");
        Assert.Equal(0, Np("train", "mlp", "--epochs", "1", "--train-limit", "100", "--out", ckpt).Code);
        var onnx = folder.File("mlp.onnx");
        Assert.Equal(0, Np("export", "--model", ckpt, "--out", onnx).Code);
        AssertRefused(Np("sample", "--model", ckpt, "--out", folder.File("x.png")), "holds a classifier model, not a generator", folder.File("x.png"));
        AssertRefused(Np("sample", "--model", onnx, "--out", folder.File("y.png")), "not a generator", folder.File("y.png"));
        // An empty checkpoint is named as a checkpoint, not "not a readable ONNX model" (np colorize alike).
        File.WriteAllBytes(folder.File("empty.ckpt"), []);
        AssertRefused(Np("sample", "--model", folder.File("empty.ckpt"), "--out", folder.File("z.png")), "not a NeuralPipelines checkpoint", folder.File("z.png"));
        AssertFailsWithOneLine("colorize", ["colorize", "--model", folder.File("empty.ckpt"), "--input", Path.Combine(NeuralPipelines.Data.ShippedData.Photos, "test", "00000.png"), "--out", folder.File("c")],
            "empty.ckpt: not a NeuralPipelines checkpoint");
        Assert.False(Directory.Exists(folder.File("c")));
    }

    /// <summary>Audit H8: resuming a checkpoint as another kind said "The checkpoint holds a gmmn model, not gan." without
    /// naming the file, and a colorizer resumed as a gan was called "not a classifier"; so was a colorizer given to np train
    /// --resume alone, which takes a gan's checkpoint as it is, without a word on np train colorize --resume.</summary>
    [Fact]
    public void Resuming_a_checkpoint_as_another_kind_names_the_file_and_both_kinds()
    {
        using var folder = new TempFolder();
        var ckpt = _trained.Checkpoint;
        var before = File.ReadAllBytes(ckpt);
        AssertFailsWithOneLine("train", ["train", "gan", "--resume", ckpt, "--epochs", "3", "--train-limit", "1000"], $"{ckpt}: the checkpoint holds a gmmn model, not gan.");
        AssertFailsWithOneLine("train", ["train", "mlp", "--resume", ckpt, "--epochs", "3", "--train-limit", "1000"], $"{ckpt}: the checkpoint holds a gmmn model, not mlp.");
        var colorizer = folder.File("c.ckpt");
        Succeeds("train", "colorize", "--size", "32", "--ngf", "2", "--ndf", "2", "--epochs", "1", "--train-limit", "4", "--out", colorizer);
        AssertFailsWithOneLine("train", ["train", "gan", "--resume", colorizer, "--epochs", "2"], $"{colorizer}: the checkpoint holds a colorizer model, not gan.");
        AssertFailsWithOneLine("train", ["train", "--resume", colorizer, "--epochs", "2"], $"{colorizer}: the checkpoint holds a colorizer; resume it with np train colorize --resume {colorizer}.");
        Assert.Equal(before, File.ReadAllBytes(ckpt));
    }

    /// <summary>Audit H6: --count 3000000 drew its noise for seconds and then failed naming a tensor shape, not the option.</summary>
    [Fact]
    public void More_images_than_one_draw_holds_are_refused_naming_the_count()
    {
        using var folder = new TempFolder();
        foreach (var model in new[] { _trained.Checkpoint, _trained.Onnx })
            AssertFailsWithOneLine("sample", ["sample", "--model", model, "--count", "3000000", "--out", folder.File("x.png")],
                "--count 3000000: at most 2,739,137 images of 1×28×28 pixels fit in one draw");
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("0", "--count must be positive, got 0")]
    [InlineData("-3", "--count must be positive, got -3")]
    public void A_non_positive_count_is_refused(string count, string expected)
    {
        using var folder = new TempFolder();
        AssertRefused(Np("sample", "--model", _trained.Checkpoint, "--count", count, "--out", folder.File("x.png")), expected, folder.File("x.png"));
    }

    [Fact]
    public void An_unwritable_output_is_refused_and_leaves_nothing_behind()
    {
        using var folder = new TempFolder();
        var file = folder.Write("taken", "I am a file");
        // A folder path that is a file, and a PNG inside a file: neither can be written, whoever runs the test.
        AssertRefused(Np("sample", "--model", _trained.Checkpoint, "--out", file), "a file, not a folder", null);
        AssertRefused(Np("sample", "--model", _trained.Checkpoint, "--out", Path.Combine(file, "grid.png")), "", null);
        Assert.Equal("I am a file", File.ReadAllText(file));
        Assert.Single(Directory.GetFileSystemEntries(folder.Path));
    }

    /// <summary>Audit L10: --out x.jpg used to become a folder named x.jpg, and 4 samples into a folder holding 5 left the
    /// old sample-0005.png among the new ones.</summary>
    [Fact]
    public void A_sample_folder_holds_one_runs_samples_and_a_file_name_that_is_not_png_is_refused()
    {
        using var folder = new TempFolder();
        var each = folder.File("each");
        Assert.Equal(0, Np("sample", "--model", _trained.Checkpoint, "--count", "5", "--out", each).Code);
        File.WriteAllText(Path.Combine(each, "notes.txt"), "mine");
        var (code, _, stderr) = Np("sample", "--model", _trained.Checkpoint, "--count", "4", "--out", each);
        Assert.True(code == 0, stderr);
        Assert.Equal(["notes.txt", "sample-0001.png", "sample-0002.png", "sample-0003.png", "sample-0004.png"],
            Directory.GetFiles(each).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var jpg = folder.File("x.jpg");
        AssertRefused(Np("sample", "--model", _trained.Checkpoint, "--count", "4", "--out", jpg), $"--out {jpg}: samples are written as PNG", jpg);
        Assert.False(Directory.Exists(jpg));
        // An existing folder, or a new one named with a final /, may have a dot in its name.
        Directory.CreateDirectory(jpg);
        Assert.Equal(0, Np("sample", "--model", _trained.Checkpoint, "--count", "2", "--out", jpg).Code);
        Assert.Equal(0, Np("sample", "--model", _trained.Checkpoint, "--count", "2", "--out", folder.File("run.v2") + "/").Code);
        Assert.True(File.Exists(Path.Combine(folder.File("run.v2"), "sample-0002.png")));
    }

    /// <summary>Audit H11: np sample killed partway through a folder left the new run's first images among the old run's
    /// last. A FIFO nobody reads among the old samples holds the run where every new image is staged and none is moved in
    /// yet (a FIFO is written in place, before the renames): SIGTERM there removes the staging folder, SIGKILL leaves it
    /// for the next run, and either way the old set is as it was. The next run, of fewer images, leaves exactly its own.</summary>
    [LinuxFact("a FIFO to hold np sample, and signals")]
    public void A_sample_run_killed_before_its_images_are_moved_in_leaves_the_old_set_and_the_next_run_exactly_its_own()
    {
        using var folder = new TempFolder();
        var each = folder.File("each");
        Assert.Equal(0, Np("sample", "--model", _trained.Checkpoint, "--count", "5", "--seed", "1", "--out", each).Code);
        var notes = Path.Combine(each, "notes.txt");
        File.WriteAllText(notes, "mine");
        var fifo = Path.Combine(each, "sample-0003.png");
        File.Delete(fifo);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!) mkfifo.WaitForExit();
        var old = Directory.GetFiles(each).Where(f => f != fifo).ToDictionary(f => f, File.ReadAllBytes);
        string[] Staging() => Directory.GetDirectories(each, ".np-sample-*");

        foreach (var (signal, exitCode) in new[] { ("TERM", 143), ("KILL", 137) })
        {
            using var process = StartInNewProcess("sample", "--model", _trained.Checkpoint, "--count", "6", "--seed", "2", "--out", each);
            try
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (!(Staging() is [var s] && Directory.GetFiles(s).Length == 5) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90)) Thread.Sleep(50);
                if (process.HasExited) Assert.Fail($"np sample ended before the FIFO: {process.StandardError.ReadToEnd()}");
                Assert.True(Staging() is [var staged] && Directory.GetFiles(staged).Length == 5, "np sample staged no 5 images");
                using (var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", process.Id.ToString()])!) kill.WaitForExit();
                Assert.True(process.WaitForExit(30_000), $"np sample did not end after SIG{signal}");
                Assert.Equal(exitCode, process.ExitCode);
            }
            finally { if (!process.HasExited) process.Kill(); }
            foreach (var (file, bytes) in old) Assert.Equal(bytes, File.ReadAllBytes(file));
            Assert.False(File.Exists(Path.Combine(each, "sample-0006.png")));
            Assert.Equal(signal == "TERM" ? 0 : 1, Staging().Length);
        }

        File.Delete(fifo);
        var (code, _, stderr) = Np("sample", "--model", _trained.Checkpoint, "--count", "2", "--seed", "2", "--out", each);
        Assert.True(code == 0, stderr);
        Assert.Equal(["notes.txt", "sample-0001.png", "sample-0002.png"], Directory.GetFileSystemEntries(each).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("mine", File.ReadAllText(notes));
        Assert.NotEqual(old[Path.Combine(each, "sample-0001.png")], File.ReadAllBytes(Path.Combine(each, "sample-0001.png")));
    }

    [Fact]
    public void A_generator_onnx_whose_input_is_not_its_noise_vector_is_refused()
    {
        using var folder = new TempFolder();
        // The generator's metadata says 10 noise values; a graph that reads 784 does not match it.
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(_trained.Onnx));
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[1].DimValue = 784;
        var broken = folder.File("broken.onnx");
        File.WriteAllBytes(broken, Google.Protobuf.MessageExtensions.ToByteArray(model));
        var (code, stdout, stderr) = Np("sample", "--model", broken, "--out", folder.File("x.png"));
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("np sample: error:", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(folder.File("x.png")));
    }

    private static void AssertRefused((int Code, string Out, string Err) run, string expected, string? notWritten)
    {
        Assert.NotEqual(0, run.Code);
        Assert.Contains(expected, run.Err);
        Assert.StartsWith("np sample: error:", run.Err.Trim());
        Assert.Single(run.Err.Trim().Split('\n'));
        if (notWritten is not null) Assert.False(File.Exists(notWritten));
    }
}
