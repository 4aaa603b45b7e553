using System.Text.Json;
using NeuralPipelines.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np train colorize</c> end to end in a fresh folder: checkpoint, contact sheet, curves and JSON; resume;
/// and bad input gives one line, a non-zero exit and no checkpoint.</summary>
public sealed class ColorizeCommandTests
{
    [Fact]
    public void Training_writes_checkpoint_contact_sheet_curves_and_json_and_resumes()
    {
        using var dir = new TempFolder();
        string ckpt = dir.File("c.ckpt");
        var (code, stdout, stderr) = Np("train", "colorize", "--data", "photos", "--size", "32", "--ngf", "4", "--ndf", "4",
            "--epochs", "1", "--batch-size", "8", "--train-limit", "24", "--out", ckpt, "--json");
        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var root = report.RootElement;
        Assert.Equal("colorizer", root.GetProperty("kind").GetString());
        Assert.Equal("l1+gan", root.GetProperty("loss").GetString());
        Assert.Equal(1, root.GetProperty("epochs").GetInt32());
        Assert.True(root.GetProperty("discriminator_parameters").GetInt64() > 0);
        Assert.True(root.GetProperty("per_epoch")[0].GetProperty("losses").GetProperty("l1").GetDouble() > 0);
        Assert.True(File.Exists(ckpt));
        var sheet = root.GetProperty("contact_sheet").GetString()!;
        using (var image = Image.Load(sheet))
        {
            Assert.Equal(3 * 33 + 1, image.Width); // grey | colorized | truth, 32 pixels and a gap each
            Assert.Equal(8 * 33 + 1, image.Height);
        }
        Assert.True(File.Exists(root.GetProperty("curves").GetString()));

        // Export (parity-checked) and colorize a folder: any size in, the same size out; a bad file gets one line and is skipped.
        string onnx = dir.File("c.onnx");
        var export = Np("export", "--model", ckpt, "--out", onnx, "--json");
        Assert.True(export.Code == 0, export.Err);
        using (var e = JsonDocument.Parse(export.Out))
        {
            Assert.True(e.RootElement.GetProperty("parity_max_error").GetDouble() <= 1e-4);
            Assert.Contains("\"size\":32", e.RootElement.GetProperty("metadata").GetProperty("colorizer").GetString());
        }
        var zip = Np("export", "--model", ckpt, "--out", dir.File("z.onnx"), "--mlnet", dir.File("z.zip"));
        Assert.Equal(1, zip.Code);
        Assert.Contains("classifiers only", zip.Err);
        Assert.False(File.Exists(dir.File("z.onnx")) || File.Exists(dir.File("z.zip")));
        string photos = dir.File("photos");
        Directory.CreateDirectory(photos);
        using (var wide = Image.Load(Path.Combine(NeuralPipelines.Data.ShippedData.Photos, "test", "00003.png")))
        {
            wide.Mutate(c => c.Resize(100, 45));
            wide.SaveAsJpeg(Path.Combine(photos, "wide.jpg"));
        }
        File.WriteAllText(Path.Combine(photos, "broken.png"), "not a png");
        var colorized = Np("colorize", "--model", onnx, "--input", photos, "--out", dir.File("out"), "--json");
        Assert.Equal(1, colorized.Code);
        Assert.Contains("broken.png", colorized.Err);
        Assert.False(File.Exists(dir.File("out/broken.png")));
        using (var result = Image.Load(dir.File("out/wide.png"))) Assert.Equal((100, 45), (result.Width, result.Height));
        // The checkpoint and its export colour the same photo the same way (to a grey level).
        var fromCheckpoint = Np("colorize", "--model", ckpt, "--input", Path.Combine(photos, "wide.jpg"), "--out", dir.File("out2"));
        Assert.True(fromCheckpoint.Code == 0, fromCheckpoint.Err);
        using (var a = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(dir.File("out/wide.png")))
        using (var b = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(dir.File("out2/wide.png")))
            for (int y = 0; y < 45; y += 7)
                for (int x = 0; x < 100; x += 9)
                    Assert.True(Math.Abs(a[x, y].R - b[x, y].R) <= 1 && Math.Abs(a[x, y].B - b[x, y].B) <= 1, $"pixel ({x}, {y})");

        var refused = Np("train", "colorize", "--resume", ckpt, "--ngf", "8", "--epochs", "2");
        Assert.Equal(1, refused.Code);
        Assert.Contains("--ngf", refused.Err);
        var otherData = Np("train", "colorize", "--resume", ckpt, "--epochs", "2", "--train-limit", "16");
        Assert.Equal(1, otherData.Code);
        Assert.Contains("24 photos", otherData.Err);
        AssertFailsWithOneLine("train colorize", ["train", "colorize", "--resume", ckpt, "--epochs", "1", "--train-limit", "24"], $"--epochs 1: {ckpt} already has 1 epochs");

        // One epoch done at a constant rate: a decay over both epochs would have changed the rate of the first.
        var early = Np("train", "colorize", "--resume", ckpt, "--epochs", "2", "--lr-decay-epochs", "2", "--train-limit", "24");
        Assert.Equal(1, early.Code);
        Assert.Contains("--lr-decay-epochs 2", early.Err);
        Assert.Contains("at most 1", early.Err);
        Assert.Single(early.Err.Trim().Split('\n'));
        Assert.Equal(0, root.GetProperty("learning_rate_decay_epochs").GetInt32());

        var resumed = Np("train", "colorize", "--resume", ckpt, "--epochs", "2", "--lr-decay-epochs", "1", "--train-limit", "24", "--json");
        Assert.True(resumed.Code == 0, resumed.Err);
        using var second = JsonDocument.Parse(resumed.Out);
        Assert.Equal(2, second.RootElement.GetProperty("epochs").GetInt32());
        Assert.Equal(1, second.RootElement.GetProperty("learning_rate_decay_epochs").GetInt32());
        Assert.Equal(2, second.RootElement.GetProperty("per_epoch").GetArrayLength());
    }

    [Fact]
    public void The_L1_baseline_has_no_discriminator()
    {
        using var dir = new TempFolder();
        var (code, stdout, stderr) = Np("train", "colorize", "--loss", "l1", "--size", "32", "--ngf", "2", "--epochs", "1",
            "--train-limit", "8", "--out", dir.File("l1.ckpt"), "--json");
        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(0, report.RootElement.GetProperty("discriminator_parameters").GetInt64());
        Assert.False(report.RootElement.GetProperty("per_epoch")[0].GetProperty("losses").TryGetProperty("d_loss", out _));
    }

    /// <summary>np train colorize --help shows "np train [&lt;architecture&gt;] colorize" (np train's argument, which
    /// System.CommandLine lets stand before the subcommand): np train lenet5 colorize trained a colorizer and dropped the
    /// architecture without a word. It is refused, before any work.</summary>
    [Fact]
    public void An_architecture_before_colorize_is_refused_not_ignored()
    {
        using var dir = new TempFolder();
        var (code, stdout, stderr) = Np("train", "lenet5", "colorize", "--loss", "l1", "--size", "32", "--ngf", "2", "--epochs", "1",
            "--train-limit", "8", "--out", dir.File("c.ckpt"));
        Assert.Equal((1, ""), (code, stdout));
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("np train colorize: error: ", line);
        Assert.Contains("'lenet5'", line);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    /// <summary>Audit M2 and L8: a.png and a.bmp would both become a.png (one result lost), a pixel limit of 0 refuses
    /// every photo, and a run that wrote nothing used to leave its empty --out folder behind.</summary>
    [Fact]
    public void Colorizing_refuses_two_photos_of_one_name_and_a_limit_below_one_before_any_work_and_leaves_no_folder_it_made_for_nothing()
    {
        using var dir = new TempFolder();
        string ckpt = dir.File("c.ckpt"), photos = dir.File("coll"), outFolder = dir.File("collout");
        var trained = Np("train", "colorize", "--loss", "l1", "--size", "32", "--ngf", "2", "--epochs", "1", "--train-limit", "8", "--out", ckpt);
        Assert.True(trained.Code == 0, trained.Err);
        Directory.CreateDirectory(photos);
        string png = Path.Combine(photos, "a.png"), bmp = Path.Combine(photos, "a.bmp");
        File.Copy(Path.Combine(NeuralPipelines.Data.ShippedData.Photos, "test", "00000.png"), png);
        using (var image = Image.Load(png))
        {
            image.Mutate(c => c.Resize(40, 30));
            image.SaveAsBmp(bmp);
        }

        var clash = Np("colorize", "--model", ckpt, "--input", photos, "--out", outFolder);
        Assert.Equal(1, clash.Code);
        Assert.Equal($"np colorize: error: --input {photos}: {bmp} and {png} would both be written as {Path.Combine(outFolder, "a.png")}; give them different names. Nothing was done.",
            clash.Err.Trim());
        Assert.False(Directory.Exists(outFolder));

        foreach (var limit in new[] { "0", "-1" })
        {
            var bad = Np("colorize", "--model", ckpt, "--input", png, "--out", outFolder, "--max-pixels", limit);
            Assert.Equal(1, bad.Code);
            Assert.Equal($"np colorize: error: --max-pixels must be positive, got {limit}.", bad.Err.Trim());
        }
        Assert.False(Directory.Exists(outFolder));

        // Every photo over the limit: nothing written, so the folders this run made (a missing parent too) are gone again ...
        var nested = Path.Combine(outFolder, "nested");
        var failed = Np("colorize", "--model", ckpt, "--input", png, "--out", nested, "--max-pixels", "10");
        Assert.Equal(1, failed.Code);
        Assert.Contains("a.png", failed.Err);
        Assert.False(Directory.Exists(outFolder));
        // ... while a folder that was there before stays.
        Directory.CreateDirectory(outFolder);
        failed = Np("colorize", "--model", ckpt, "--input", png, "--out", outFolder, "--max-pixels", "10");
        Assert.Equal(1, failed.Code);
        Assert.True(Directory.Exists(outFolder));

        var good = Np("colorize", "--model", ckpt, "--input", png, "--out", nested);
        Assert.True(good.Code == 0, good.Err);
        Assert.True(File.Exists(Path.Combine(nested, "a.png")));
    }

    [Fact]
    public void The_size_help_lists_the_sizes_the_size_check_allows()
    {
        using var dir = new TempFolder();
        var help = Np("train", "colorize", "--help").Out;
        var refused = Np("train", "colorize", "--size", "48", "--out", dir.File("s.ckpt"));
        Assert.Equal(1, refused.Code);
        Assert.Contains("must be 32, 64, 128 or 256, got 48", refused.Err);
        Assert.Contains("centre-cropped to (32, 64, 128 or 256)", help.ReplaceLineEndings(" "));
    }

    [Fact]
    public void Bad_input_gives_one_line_and_no_checkpoint()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("empty"));
        var empty = Np("train", "colorize", "--data", dir.File("empty"), "--size", "32", "--ngf", "2", "--out", dir.File("e.ckpt"));
        Assert.Equal(1, empty.Code);
        Assert.Contains("holds no images", empty.Err);
        Assert.Single(empty.Err.Trim().Split('\n'));

        File.WriteAllText(dir.File("empty/broken.png"), "not a png");
        var broken = Np("train", "colorize", "--data", dir.File("empty"), "--size", "32", "--ngf", "2", "--out", dir.File("b.ckpt"));
        Assert.Equal(1, broken.Code);
        Assert.Contains("broken.png", broken.Err);

        var content = new NeuralPipelines.Models.Checkpoints.CheckpointContent { Kind = "gan",
            Networks = [new("generator", "x", NeuralPipelines.Models.Generative.Pix2Pix.PatchGan.Build(ndf: 1), [3, 64, 64])] };
        NeuralPipelines.Models.Checkpoints.CheckpointFile.Save(dir.File("gan.ckpt"), content);
        File.Copy(Path.Combine(NeuralPipelines.Data.ShippedData.Photos, "test", "00000.png"), dir.File("p.png"));
        var notColorizer = Np("colorize", "--model", dir.File("gan.ckpt"), "--input", dir.File("p.png"), "--out", dir.File("o"));
        Assert.Equal(1, notColorizer.Code);
        Assert.Contains("not a colorizer", notColorizer.Err);
        Assert.Single(notColorizer.Err.Trim().Split('\n'));

        var decay = Np("train", "colorize", "--epochs", "2", "--lr-decay-epochs", "3", "--out", dir.File("d.ckpt"));
        Assert.Equal(1, decay.Code);
        Assert.Contains("--lr-decay-epochs must be between 0 and the 2 epochs", decay.Err);
        Assert.False(File.Exists(dir.File("d.ckpt")));

        var loss = Np("train", "colorize", "--loss", "l2", "--out", dir.File("l.ckpt"));
        Assert.Equal(1, loss.Code);
        Assert.Contains("l1+gan", loss.Err);
        Assert.False(File.Exists(dir.File("e.ckpt")) || File.Exists(dir.File("b.ckpt")) || File.Exists(dir.File("l.ckpt")));
    }

    /// <summary>Audit H3 and H4: a transparent PNG came out opaque (its hidden colours shown), and a JPEG whose EXIF says
    /// "turn 90° clockwise" came out lying on its side.</summary>
    [Fact]
    public void Colorizing_keeps_a_photos_transparency_and_writes_it_upright()
    {
        using var dir = new TempFolder();
        string ckpt = dir.File("c.ckpt");
        Succeeds("train", "colorize", "--size", "32", "--ngf", "2", "--ndf", "2", "--epochs", "1", "--train-limit", "4", "--out", ckpt);
        var photos = Directory.CreateDirectory(dir.File("in")).FullName;
        using (var image = new Image<SixLabors.ImageSharp.PixelFormats.Rgba32>(40, 20))
        {
            for (int y = 0; y < 20; y++)
                for (int x = 0; x < 40; x++) image[x, y] = new SixLabors.ImageSharp.PixelFormats.Rgba32(200, 120, 40, (byte)(x * 6));
            image.SaveAsPng(Path.Combine(photos, "clear.png"));
        }
        using (var image = new Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(40, 20, new SixLabors.ImageSharp.PixelFormats.Rgb24(90, 90, 90)))
        {
            image.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
            image.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);
            image.SaveAsJpeg(Path.Combine(photos, "turned.jpg"));
        }
        var outDir = dir.File("out");
        Succeeds("colorize", "--model", ckpt, "--input", photos, "--out", outDir);
        using (var clear = Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(Path.Combine(outDir, "clear.png")))
            for (int x = 0; x < 40; x++) Assert.Equal((byte)(x * 6), clear[x, 10].A);
        using var turned = Image.Load(Path.Combine(outDir, "turned.png"));
        Assert.Equal((20, 40), (turned.Width, turned.Height));
    }
}
