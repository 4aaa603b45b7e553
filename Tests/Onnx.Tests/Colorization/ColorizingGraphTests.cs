using Xunit.Abstractions;
using Google.Protobuf;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Scoring;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests.Colorization;

/// <summary>The RGB-in, RGB-out colorizing graph: its colour conversions equal <see cref="CieLab"/>/<see cref="LabScaling"/>
/// on real photos, the whole graph equals <see cref="Colorizer.ColorizeBatch"/>, and anything but a colorizer is refused by name.</summary>
public sealed class ColorizingGraphTests(ITestOutputHelper output)
{
    private const int Size = TinyColorizer.Size;

    private static OnnxScorer Scorer(byte[] onnx, string output) =>
        new(onnx, new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1, OutputName = output });

    private static byte[] Bytes(OnnxGraphBuilder b, string output, int channels)
    {
        b.Graph.Output.Add(OnnxGraphBuilder.BatchedFloat(output, OnnxExporter.BatchDimension, [channels, Size, Size]));
        return OnnxFormat.Model(b.Graph, "test", "LabNodes under test").ToByteArray();
    }

    [Fact]
    public void Lab_nodes_convert_real_photos_as_CieLab_and_LabScaling_do()
    {
        var photos = ImageFolder.Load(Path.Combine(ShippedData.Photos, "test"), Size, limit: 16);
        int n = photos.Count, p = Size * Size;
        var l = new float[n * p];
        var ab = new float[n * 2 * p];
        var scratch = new float[3 * p];
        for (int i = 0; i < n; i++) LabScaling.FromSrgb(photos.Image(i), l.AsSpan(i * p, p), ab.AsSpan(i * 2 * p, 2 * p), scratch);

        // sRGB → scaled L.
        var forward = new OnnxGraphBuilder("lightness");
        forward.UniqueName("rgb");
        forward.Graph.Input.Add(OnnxGraphBuilder.BatchedFloat("rgb", OnnxExporter.BatchDimension, [3, Size, Size]));
        var lightness = LabNodes.ScaledLightness(forward, "rgb");
        using (var scorer = Scorer(Bytes(forward, lightness, 1), lightness))
        {
            var onnx = scorer.Score(photos.Pixels, n);
            double worst = MaxDifference(l, onnx);
            // float32 in the graph, double in CieLab: L*/50 − 1 agrees to float rounding (a few 1e-7).
            output.WriteLine($"scaled L: max |ONNX − LabScaling| = {worst:g3} over {n} photos");
            Assert.True(worst <= 1e-5, $"scaled L differs by {worst:g3}");
        }

        // scaled L and ab → sRGB: the photos' own ab (a round trip) and the same ab tripled, clamped, so that much of it
        // falls outside the gamut and the clip is exercised as a network's wild predictions would.
        var backward = new OnnxGraphBuilder("srgb");
        backward.UniqueName("lab");
        backward.Graph.Input.Add(OnnxGraphBuilder.BatchedFloat("lab", OnnxExporter.BatchDimension, [3, Size, Size]));
        string Slice(string hint, long from, long to) => backward.AddNode("Slice", hint,
            ["lab", backward.AddInt64Initializer(hint + ".starts", from), backward.AddInt64Initializer(hint + ".ends", to), backward.AddInt64Initializer(hint + ".axes", 1)]);
        var srgb = LabNodes.Srgb(backward, Slice("l", 0, 1), Slice("ab", 1, 3));
        using var back = Scorer(Bytes(backward, srgb, 3), srgb);
        foreach (float gain in new[] { 1f, 3f })
        {
            var lab = new float[n * 3 * p];
            var expected = new float[n * 3 * p];
            for (int i = 0; i < n; i++)
            {
                l.AsSpan(i * p, p).CopyTo(lab.AsSpan(i * 3 * p, p));
                var chroma = lab.AsSpan(i * 3 * p + p, 2 * p);
                for (int j = 0; j < 2 * p; j++) chroma[j] = Math.Clamp(gain * ab[i * 2 * p + j], -1f, 1f);
                LabScaling.ToSrgb(l.AsSpan(i * p, p), chroma, expected.AsSpan(i * 3 * p, 3 * p), scratch);
            }
            var onnx = back.Score(lab, n);
            double worst = MaxDifference(expected, onnx);
            // The tone curve's slope (up to 12.92 near black) and the cube multiply float32 rounding: a few 1e-6 measured,
            // held to 2e-5 (1/200 of an 8-bit level).
            output.WriteLine($"sRGB from L and ab×{gain}: max |ONNX − LabScaling| = {worst:g3}");
            Assert.True(worst <= 2e-5, $"sRGB (chroma ×{gain}) differs by {worst:g3}");
            if (gain == 1f) Assert.True(MaxDifference(photos.Pixels, onnx) <= 1e-4, "the round trip through Lab does not give the photos back");
        }
    }

    [Fact]
    public void The_composite_colorizes_real_photos_as_the_colorizer_does()
    {
        var photos = ImageFolder.Load(Path.Combine(ShippedData.Photos, "test"), Size, limit: 12);
        var expected = new Colorizer(TinyColorizer.Model).ColorizeBatch(photos);
        var (composite, card) = ColorizingGraph.BuildBytes(TinyColorizer.Onnx, "tiny.onnx");
        Assert.Equal(Size, card.Size);

        using var colorized = Scorer(composite, ColorizingGraph.ColorizedName);
        Assert.Equal([3, Size, Size], colorized.InputShape);
        var rgb = colorized.Score(photos.Pixels, photos.Count);
        // ONNX Runtime's U-Net against ours (export parity is held to 1e-4 on ab/110) and float32 against double colour
        // math: under 1e-6 measured for this small network; 1e-4 leaves room for a wider one and is 1/40 of an 8-bit level.
        double worst = MaxDifference(expected, rgb);
        output.WriteLine($"composite: max |ONNX − Colorizer.ColorizeBatch| = {worst:g3} over {photos.Count} photos");
        Assert.True(worst <= 1e-4, $"the composite differs from Colorizer.ColorizeBatch by {worst:g3}");
        // The model has learnt some colour: the result is not grey (grey gives under 1e-5; two short epochs give about 0.011).
        int plane = Size * Size;
        double chroma = Enumerable.Range(0, photos.Count * plane).Average(k =>
        {
            int i = k / plane, j = k % plane, o = i * 3 * plane + j;
            return Math.Abs(rgb[o] - rgb[o + plane]) + Math.Abs(rgb[o + 2 * plane] - rgb[o + plane]);
        });
        output.WriteLine($"mean |R − G| + |B − G| of the colorized photos: {chroma:g3}");
        Assert.True(chroma > 0.003, $"mean |R − G| + |B − G| is only {chroma:g3}");

        using var pixels = Scorer(composite, ColorizingGraph.PixelsName);
        var levels = pixels.Score(photos.Pixels, photos.Count);
        for (int i = 0; i < levels.Length; i++) Assert.Equal(MathF.Round(rgb[i] * 255f), levels[i]);
    }

    [Fact]
    public void Anything_but_a_colorizer_export_is_refused_by_name()
    {
        var (_, _, classifier) = TestModels.SmallMlp();
        var e = Assert.Throws<InvalidDataException>(() => ColorizingGraph.Build(classifier, "mlp.onnx"));
        Assert.StartsWith("mlp.onnx: the ONNX model is a ", e.Message);
        Assert.Contains("not a colorizer", e.Message);

        e = Assert.Throws<InvalidDataException>(() => ColorizingGraph.Build("not an onnx model at all"u8.ToArray(), "junk.onnx"));
        Assert.StartsWith("junk.onnx: not an ONNX model", e.Message);

        var (composite, _) = ColorizingGraph.BuildBytes(TinyColorizer.Onnx, "tiny.onnx");
        e = Assert.Throws<InvalidDataException>(() => ColorizingGraph.Build(composite, "rgb.onnx"));
        Assert.StartsWith("rgb.onnx: already an RGB-in, RGB-out colorizing graph", e.Message);
        // Nor does np colorize take the composite for a colorizer that reads L.
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("rgb.onnx"), composite);
        e = Assert.Throws<InvalidDataException>(() => OnnxColorizer.Open(temp.File("rgb.onnx")));
        Assert.Contains("not a colorizer", e.Message);
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        return worst;
    }
}
