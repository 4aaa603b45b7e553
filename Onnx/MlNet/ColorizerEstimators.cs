using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using NeuralPipelines.Onnx.Export;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Builds the ML.NET pipeline that colorizes an image column: ResizeImages to the model's S×S → ExtractPixels
/// (RGB planes, ÷255) → ApplyOnnxModel(<see cref="ColorizingGraph"/>) → ConvertToImage, out of ML.NET's own transformers
/// only, so <c>mlContext.Model.Save</c> writes a zip that any ML.NET process with Microsoft.ML.ImageAnalytics and
/// Microsoft.ML.OnnxTransformer loads (the same reasoning as <see cref="GeneratorEstimators"/>).</summary>
/// <remarks>
/// The result is an <see cref="MLImage"/> of the model's size, S×S: the photo is stretched to S×S (no crop, as
/// <c>Colorizer</c> squeezes it) and colorized there. The full-resolution path (chroma resized back onto the photo's own
/// L) needs a resize of float planes that ML.NET's image transforms do not offer; <c>np colorize</c> and
/// <c>Colorizer.Colorize</c> do it. The intermediate columns are dropped.
/// </remarks>
public static class ColorizerEstimators
{
    /// <summary>The pipeline over a composite built by <see cref="ColorizingGraph"/>.</summary>
    /// <param name="composite">The RGB-in, RGB-out graph's bytes (embedded in the saved zip).</param>
    /// <param name="size">The colorizer's size S.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, byte[] composite, int size, string outputColumn, string inputColumn, int? gpuDeviceId = null)
    {
        ArgumentNullException.ThrowIfNull(composite);
        if (outputColumn == inputColumn) throw new ArgumentException($"The colorized column must have its own name, not the input's ('{inputColumn}').");
        // The intermediate columns carry the ONNX graph's own value names, so ApplyOnnxModel binds them directly; all are dropped at the end.
        const string resized = "ColorizerResized", rgb = ColorizingGraph.InputName, pixels = ColorizingGraph.PixelsName;
        var chain = ml.Transforms.ResizeImages(resized, size, size, inputColumn, ImageResizingEstimator.ResizingKind.Fill)
            // ExtractPixels writes (pixel − offset)·scale in [channel, y, x] order: planar RGB in [0, 1], the graph's input.
            .Append(ml.Transforms.ExtractPixels(rgb, resized, ImagePixelExtractingEstimator.ColorBits.Rgb,
                ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleavePixelColors: false, offsetImage: 0f, scaleImage: 1f / 255f, outputAsFloatArray: true))
            .Append(MlNetOnnxLoads.Run(() => ml.Transforms.ApplyOnnxModel([pixels], [rgb], new MemoryStream(composite, writable: false), gpuDeviceId, fallbackToCpu: true)))
            // Whole levels in, no scale: ConvertToImage casts each to a byte and sets alpha to 255.
            .Append(ml.Transforms.ConvertToImage(size, size, outputColumn, pixels, ImagePixelExtractingEstimator.ColorBits.Rgb,
                ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleavedColors: false, scaleImage: 1f, offsetImage: 0f))
            .Append(ml.Transforms.DropColumns(resized, rgb, pixels));
        return chain;
    }
}
