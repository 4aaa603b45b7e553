using NeuralPipelines.Data.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Data.Plotting;

/// <summary>Lays plot panels side by side and writes them as one PNG (atomically).</summary>
public static class PlotImage
{
    public static Image<Rgba32> Render(IReadOnlyList<LinePlot> panels, int panelWidth = 640, int panelHeight = 440)
    {
        if (panels.Count == 0) throw new ArgumentException("A plot needs at least one panel.");
        var image = new Image<Rgba32>(panelWidth * panels.Count, panelHeight, PlotColors.White);
        var canvas = new Canvas(image);
        for (int i = 0; i < panels.Count; i++) panels[i].Draw(canvas, i * panelWidth, 0, panelWidth, panelHeight);
        return image;
    }

    public static void WritePng(string path, IReadOnlyList<LinePlot> panels, int panelWidth = 640, int panelHeight = 440)
    {
        using var image = Render(panels, panelWidth, panelHeight);
        AtomicFile.Write(path, s => image.SaveAsPng(s));
    }
}
