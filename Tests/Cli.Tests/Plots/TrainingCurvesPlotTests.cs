using NeuralPipelines.Cli.Plots;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Cli.Tests.Plots;

/// <summary>The curves <c>np train</c> writes beside its checkpoint, drawn by ScottPlot.</summary>
public class TrainingCurvesPlotTests
{
    private static IReadOnlyList<EpochReport> History() =>
    [
        new(1, 3, 0.1f, 0.90, 0.71, 0.95, 0.70, 1, 0.1, 1000),
        new(2, 3, 0.1f, 0.52, 0.85, 0.60, 0.83, 1, 0.1, 1000),
        new(3, 3, 0.1f, 0.31, 0.91, 0.41, 0.88, 1, 0.1, 1000),
    ];

    [Fact]
    public void The_curves_are_a_png_of_two_panels_side_by_side()
    {
        using var folder = new TempFolder();
        var path = TrainingCurvesPlot.PathFor(folder.File("lenet5.ckpt"));
        Assert.Equal(folder.File("lenet5.curves.png"), path);

        TrainingCurvesPlot.Write(path, History(), "lenet5 cross-entropy");

        using var image = Image.Load<Rgba32>(path);
        Assert.Equal((2 * LinePlotPng.PanelWidth, LinePlotPng.PanelHeight), (image.Width, image.Height));
        // Something was drawn in each panel: neither half is a single colour.
        Assert.True(Colours(image, 0, image.Width / 2) > 10);
        Assert.True(Colours(image, image.Width / 2, image.Width) > 10);
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void The_panels_carry_the_title_and_both_sets_per_epoch()
    {
        var panels = TrainingCurvesPlot.Panels(History(), "lenet5 cross-entropy");
        Assert.Equal(["lenet5 cross-entropy: cost", "lenet5 cross-entropy: accuracy"], panels.Select(p => p.Title));
        Assert.All(panels, p => Assert.Equal(["train", "test"], p.Series.Select(s => s.Name)));
        Assert.Equal([70.0, 83.0, 88.0], panels[1].Series[1].Y.Select(y => Math.Round(y, 6)));
        Assert.Equal([1.0, 2.0, 3.0], panels[0].Series[0].X);
    }

    [Fact]
    public void Nothing_is_left_when_the_folder_cannot_be_written()
    {
        if (OperatingSystem.IsWindows()) return; // mode bits are a Unix notion
        using var folder = new TempFolder();
        var locked = Directory.CreateDirectory(folder.File("locked")).FullName;
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            // Root ignores the mode bits, so the check only means something where they are enforced.
            if (PermissionsAreEnforced(locked))
            {
                Assert.ThrowsAny<UnauthorizedAccessException>(() => TrainingCurvesPlot.Write(Path.Combine(locked, "mlp.curves.png"), History(), "mlp"));
                Assert.Empty(Directory.GetFileSystemEntries(locked));
            }
        }
        finally { File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
    }

    [Fact]
    public void Nothing_is_left_when_the_png_cannot_take_its_place()
    {
        // The target is a folder: the PNG is drawn and written beside it, and the rename onto it fails.
        using var folder = new TempFolder();
        var target = Directory.CreateDirectory(folder.File("mlp.curves.png")).FullName;
        Assert.ThrowsAny<IOException>(() => TrainingCurvesPlot.Write(target, History(), "mlp"));
        Assert.Equal([target], Directory.GetFileSystemEntries(folder.Path));
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public void A_series_with_mismatched_lengths_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new PlotSeries("generator", [1, 2], [1]));
        Assert.Contains("'generator'", e.Message);
    }

    private static int Colours(Image<Rgba32> image, int from, int to)
    {
        var seen = new HashSet<Rgba32>();
        for (int y = 0; y < image.Height; y += 3)
            for (int x = from; x < to; x += 3) seen.Add(image[x, y]);
        return seen.Count;
    }

    private static bool PermissionsAreEnforced(string folder)
    {
        var probe = Path.Combine(folder, "probe");
        try { File.WriteAllText(probe, ""); File.Delete(probe); return false; }
        catch (UnauthorizedAccessException) { return true; }
    }
}
