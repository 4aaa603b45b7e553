using NeuralPipelines.Data.Plotting;
using NeuralPipelines.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Models.Tests.Plotting;

public class LinePlotTests
{
    [Fact]
    public void Ticks_are_round_and_cover_the_range()
    {
        Assert.Equal([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1], LinePlot.Ticks(0.03, 0.97, 5));
        Assert.Equal([1, 2, 3], LinePlot.Ticks(1, 3, 8, minStep: 1));
        var wide = LinePlot.Ticks(-37, 512, 6);
        Assert.True(wide[0] <= -37 && wide[^1] >= 512);
        Assert.All(wide.Zip(wide.Skip(1)), p => Assert.Equal(100, p.Second - p.First, 9));
    }

    [Fact]
    public void A_series_is_drawn_in_its_colour_inside_the_axes_and_the_png_is_written_atomically()
    {
        var plot = new LinePlot { Title = "TEST", XLabel = "X", YLabel = "Y" };
        plot.Add("LINE", [0, 1, 2, 3], [0, 1, 4, 9], PlotColors.Vermillion);
        using var image = PlotImage.Render([plot], 400, 300);
        int coloured = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (image[x, y].Equals(PlotColors.Vermillion)) coloured++;
        Assert.True(coloured > 200, $"{coloured} pixels of the series colour");
        Assert.Equal(PlotColors.White, image[image.Width - 2, image.Height - 2]);

        using var folder = new TempFolder();
        var path = folder.File("p.png");
        PlotImage.WritePng(path, [plot, plot]);
        using var back = Image.Load<Rgba32>(path);
        Assert.Equal(1280, back.Width);
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Mismatched_series_lengths_are_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new LinePlot().Add("S", [1, 2], [1]));
        Assert.Contains("'S'", e.Message);
    }
}
