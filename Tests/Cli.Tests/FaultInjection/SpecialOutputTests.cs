using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Tests;
using Xunit.Abstractions;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests.FaultInjection;

/// <summary>The models the special-output cases need beyond <see cref="OutputSafetyFixture"/>'s: a small IDX folder cut from
/// shipped MNIST, a generator (GMMN) and an L1 colorizer, each trained for one short epoch, and two shipped photos.</summary>
public sealed class SpecialOutputFixture : IDisposable
{
    private readonly TempFolder folder = new();
    public string Idx { get; }
    public string Generator { get; }
    public string Colorizer { get; }
    public string Photos { get; }

    public SpecialOutputFixture()
    {
        Idx = folder.File("mnist-small");
        var mnist = IdxImageFolder.Load(ShippedData.Mnist, "mnist");
        IdxImageFolder.Save(Idx, mnist with { Train = mnist.Train.Take(100), Test = mnist.Test.Take(50) });
        Generator = folder.File("g.ckpt");
        Succeeds("train", "gmmn", "--epochs", "1", "--batch-size", "100", "--train-limit", "200", "--out", Generator);
        Colorizer = folder.File("c.ckpt");
        Succeeds("train", "colorize", "--loss", "l1", "--size", "32", "--ngf", "2", "--epochs", "1", "--train-limit", "8", "--out", Colorizer);
        Photos = Directory.CreateDirectory(folder.File("photos")).FullName;
        foreach (var name in new[] { "00000.png", "00001.png" })
            File.Copy(Path.Combine(ShippedData.PhotoFolderPath("photos")!, "test", name), Path.Combine(Photos, name));
    }

    public void Dispose() => folder.Dispose();
}

/// <summary>Special-file and same-path outputs for every command that writes one (issue 13, point 5), each case in a fresh
/// folder, in a seeded order: a FIFO (written in place and still a FIFO, or refused), a symlink (its target replaced, the
/// link kept), a read-only file (refused, then replaced with --force and still read-only), the output equal to one of the
/// command's inputs, chosen by the seed (refused before any work, the input byte for byte as it was), and /dev/null (written
/// in place where the command allows it, refused where it does not; still the same character device), and a stale temp
/// file of a killed run beside the output (removed by the write). No case leaves a temp file. The counts are in docs/RELIABILITY.md.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // every case is a LinuxFact
public sealed class SpecialOutputTests(OutputSafetyFixture made, SpecialOutputFixture more, ITestOutputHelper output)
    : IClassFixture<OutputSafetyFixture>, IClassFixture<SpecialOutputFixture>
{
    /// <summary>One command under test.</summary>
    /// <param name="Inputs">Files copied into each case's folder (name → source): the command reads them, and the
    /// same-path case aims the output at one of them.</param>
    /// <param name="Args">The command line, given the case's folder and the output path (for colorize, the file inside the
    /// --out folder that is special).</param>
    /// <param name="Valid">Throws unless the bytes are a whole output of this command.</param>
    /// <param name="InPlace">A FIFO and /dev/null are written in place (false: refused, as np train does).</param>
    /// <param name="ExistingNeedsForce">An existing --out is refused without --force whatever its mode (np train).</param>
    private sealed record Spec(string Command, string Extension, Dictionary<string, string> Inputs,
        Func<string, string, bool, string[]> Args, Action<byte[]> Valid, bool InPlace = true, bool DevNullInPlace = true, bool ExistingNeedsForce = false,
        bool SamePathByLink = false);

    private Spec Train() => new("train", ".ckpt", new() { ["data"] = more.Idx },
        (dir, o, force) => ["train", "mlp", "--layers", "784,8,10", "--epochs", "1", "--data", Path.Combine(dir, "data"), "--no-train-eval", "--out", o, .. force ? new[] { "--force" } : []],
        bytes => ViaFile(bytes, p => ClassifierCheckpoint.Load(p)),
        InPlace: false, DevNullInPlace: false, ExistingNeedsForce: true);

    private Spec Export() => new("export", ".onnx", new() { ["m.ckpt"] = made.Checkpoint },
        (dir, o, force) => ["export", "--model", Path.Combine(dir, "m.ckpt"), "--out", o, .. force ? new[] { "--force" } : []],
        bytes => ViaFile(bytes, p => { using var s = OnnxScorer.Load(p, new OnnxScorerOptions { PreferCuda = false, Log = _ => { } }); }));

    private Spec Score() => new("score", ".csv", new() { ["d.zip"] = made.Zip, ["d.csv"] = made.Csv },
        (dir, o, force) => ["score", "--model", Path.Combine(dir, "d.zip"), "--data", Path.Combine(dir, "d.csv"), "--output", o, .. force ? new[] { "--force" } : []],
        bytes =>
        {
            var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("age,sex,bmi", lines[0]);
            Assert.Equal(443, lines.Length);
        });

    private Spec Validate() => new("validate", ".json", new() { ["m.onnx"] = made.Onnx },
        (dir, o, force) => ["validate", "--model", Path.Combine(dir, "m.onnx"), "--limit", "50", "--report", o, .. force ? new[] { "--force" } : []],
        bytes => { using var report = JsonDocument.Parse(bytes); Assert.Equal(50, report.RootElement.GetProperty("images").GetInt32()); });

    private Spec Regress() => new("regress", ".zip", new() { ["d.csv"] = made.Csv },
        (dir, o, force) => ["regress", "--data", Path.Combine(dir, "d.csv"), "--out", o, .. force ? new[] { "--force" } : []],
        bytes => { using var zip = new ZipArchive(new MemoryStream(bytes)); Assert.NotEmpty(zip.Entries); });

    private Spec Sample() => new("sample", ".png", new() { ["g.ckpt"] = more.Generator },
        (dir, o, force) => ["sample", "--model", Path.Combine(dir, "g.ckpt"), "--count", "4", "--out", o, .. force ? new[] { "--force" } : []],
        WholePng, DevNullInPlace: false, SamePathByLink: true);

    // The special file is one photo's output inside the --out folder; same path: the photos' own folder as --out.
    private Spec Colorize() => new("colorize", ".png", new() { ["c.ckpt"] = more.Colorizer, ["in/00000.png"] = Path.Combine(more.Photos, "00000.png"), ["in/00001.png"] = Path.Combine(more.Photos, "00001.png") },
        (dir, o, force) => ["colorize", "--model", Path.Combine(dir, "c.ckpt"), "--input", Path.Combine(dir, "in"), "--out", o == "/dev/null" ? o : Path.GetDirectoryName(o)!, .. force ? new[] { "--force" } : []],
        WholePng, DevNullInPlace: false);

    private static void ViaFile(byte[] bytes, Action<string> load)
    {
        using var temp = new TempFolder();
        var path = temp.File("copy");
        File.WriteAllBytes(path, bytes);
        load(path);
    }

    private static void WholePng(byte[] bytes) => Assert.True(bytes.Length > 16 && bytes.AsSpan()[^8..^4].SequenceEqual("IEND"u8), "not a whole PNG");

    [LinuxFact("FIFOs, /dev/null and Unix file modes as outputs")] public void Np_train() => Run(Train(), seed: 101);
    [LinuxFact("FIFOs, /dev/null and Unix file modes as outputs")] public void Np_export() => Run(Export(), seed: 103);
    [LinuxFact("FIFOs, /dev/null and Unix file modes as outputs")] public void Np_score() => Run(Score(), seed: 107);
    [LinuxFact("FIFOs, /dev/null and Unix file modes as outputs")] public void Np_validate() => Run(Validate(), seed: 109);
    [LinuxFact("FIFOs, /dev/null and Unix file modes as outputs")] public void Np_regress() => Run(Regress(), seed: 113);
    [LinuxFact("FIFOs, /dev/null and Unix file modes as outputs")] public void Np_sample() => Run(Sample(), seed: 127);
    [LinuxFact("FIFOs, /dev/null and Unix file modes as outputs")] public void Np_colorize() => Run(Colorize(), seed: 131);

    private void Run(Spec spec, int seed)
    {
        var rng = new Random(seed);
        var cases = new (string Name, Action<Spec, string, Random> Body)[]
        {
            ("FIFO", Fifo), ("symlink", Symlink), ("read-only file", ReadOnly), ("same path as an input", SamePath), ("/dev/null", DevNull),
            ("stale temp file of a killed run", Stale),
        };
        rng.Shuffle(cases);
        foreach (var (name, body) in cases)
        {
            using var temp = new TempFolder();
            foreach (var (to, from) in spec.Inputs) Copy(from, Path.Combine(temp.Path, to));
            var clock = Stopwatch.StartNew();
            body(spec, temp.Path, rng);
            Assert.Empty(Directory.GetFiles(temp.Path, ".*.tmp", SearchOption.AllDirectories));
            output.WriteLine($"np {spec.Command}, {name}: {clock.Elapsed.TotalSeconds:F1} s");
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        if (Directory.Exists(from)) foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(Directory.CreateDirectory(to).FullName, Path.GetFileName(f)));
        else File.Copy(from, to);
    }

    /// <summary>Where the case's output goes: a fresh name in the case's folder (colorize: inside its --out folder).</summary>
    private static string OutputPath(Spec spec, string dir, string stem)
    {
        if (spec.Command != "colorize") return Path.Combine(dir, stem + spec.Extension);
        return Path.Combine(Directory.CreateDirectory(Path.Combine(dir, stem)).FullName, "00000.png");
    }

    private static void Fifo(Spec spec, string dir, Random rng)
    {
        var fifo = OutputPath(spec, dir, $"fifo{rng.Next(1000)}");
        using (var mkfifo = Process.Start("mkfifo", [fifo])!) mkfifo.WaitForExit();
        Assert.Equal(FileKind.Fifo, FileIdentity.Of(fifo)!.Kind);
        if (!spec.InPlace)
        {
            Refused(spec, spec.Args(dir, fifo, true), "a FIFO");
        }
        else
        {
            var reader = Task.Run(() => File.ReadAllBytes(fifo));
            Ok(spec.Args(dir, fifo, false));
            // Were nothing written, the reader would wait for ever: a writer that opens and closes ends it with no bytes.
            if (!reader.Wait(TimeSpan.FromSeconds(30))) using (new FileStream(fifo, FileMode.Open, FileAccess.Write)) { }
            spec.Valid(reader.Result);
        }
        Assert.Equal(FileKind.Fifo, FileIdentity.Of(fifo)!.Kind);
    }

    private static void Symlink(Spec spec, string dir, Random rng)
    {
        var link = OutputPath(spec, dir, $"link{rng.Next(1000)}");
        var real = Path.Combine(dir, "real" + spec.Extension);
        File.WriteAllText(real, "an old file the link points to");
        File.CreateSymbolicLink(link, real);
        Ok(spec.Args(dir, link, spec.ExistingNeedsForce));
        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal(FileKind.Regular, FileIdentity.Of(real)!.Kind);
        spec.Valid(File.ReadAllBytes(real));
    }

    private static void ReadOnly(Spec spec, string dir, Random rng)
    {
        var path = OutputPath(spec, dir, $"frozen{rng.Next(1000)}");
        File.WriteAllText(path, "read-only: keep me");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Refused(spec, spec.Args(dir, path, false), spec.ExistingNeedsForce ? "already exists" : "read-only");
        Assert.Equal("read-only: keep me", File.ReadAllText(path));
        Ok(spec.Args(dir, path, true));
        Assert.Equal(0b100_100_100, FileIdentity.Of(path)!.Mode);
        spec.Valid(File.ReadAllBytes(path));
    }

    private static void SamePath(Spec spec, string dir, Random rng)
    {
        // Every input file the command reads (a folder's files one by one); the seed picks the one aimed at.
        var inputs = spec.Inputs.Keys.Select(k => Path.Combine(dir, k))
            .SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]).Order().ToArray();
        var input = inputs[rng.Next(inputs.Length)];
        var before = inputs.ToDictionary(p => p, File.ReadAllBytes);
        var target = input;
        if (spec.SamePathByLink)
        {
            // np sample writes a grid only to a .png path: the same file through a link of that name.
            target = Path.Combine(dir, "alias.png");
            File.CreateSymbolicLink(target, input);
        }
        else if (spec.Command == "colorize" && !input.EndsWith(".png"))
        {
            input = inputs.First(p => p.EndsWith(".png"));
            target = input;
        }
        Refused(spec, spec.Args(dir, target, spec.ExistingNeedsForce), "is the same file as the input");
        foreach (var (path, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    private static void DevNull(Spec spec, string dir, Random rng)
    {
        var device = FileIdentity.Of("/dev/null")!;
        Assert.Equal(FileKind.CharacterDevice, device.Kind);
        if (spec.DevNullInPlace) Ok(spec.Args(dir, "/dev/null", false));
        else Refused(spec, spec.Args(dir, "/dev/null", spec.ExistingNeedsForce), "/dev/null");
        Assert.Equal(device, FileIdentity.Of("/dev/null"));
    }

    /// <summary>A temp file left by a run killed with SIGKILL (its process gone) beside the output is removed by the next
    /// write to that folder, whichever command makes it; a live process's is left alone.</summary>
    private static void Stale(Spec spec, string dir, Random rng)
    {
        var path = OutputPath(spec, dir, $"fresh{rng.Next(1000)}");
        var folder = Path.GetDirectoryName(path)!;
        int dead;
        using (var gone = Process.Start("true")!) { gone.WaitForExit(); dead = gone.Id; }
        var stale = Path.Combine(folder, $".{Path.GetFileName(path)}.np-{dead}-{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(folder, $".other{spec.Extension}.np-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half an output, left by SIGKILL");
        File.WriteAllText(live, "a write in progress elsewhere");
        Ok(spec.Args(dir, path, false));
        spec.Valid(File.ReadAllBytes(path));
        Assert.False(File.Exists(stale), $"np {spec.Command} left the stale {stale}");
        Assert.True(File.Exists(live));
        File.Delete(live);
    }

    private static void Ok(string[] args)
    {
        var (code, _, stderr) = Np(args);
        Assert.True(code == 0, $"np {string.Join(' ', args)} exited {code}: {stderr}");
    }

    private static void Refused(Spec spec, string[] args, string words)
    {
        var (code, stdout, stderr) = Np(args);
        Assert.True(code == 1, $"np {string.Join(' ', args)} exited {code}: {stdout}{stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"np {spec.Command}: expected one line, got:\n{stderr}");
        Assert.StartsWith($"np {spec.Command}", lines[0]);
        Assert.Contains(words, lines[0]);
    }
}
