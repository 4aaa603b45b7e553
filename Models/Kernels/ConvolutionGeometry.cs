namespace NeuralPipelines.Models.Kernels;

/// <summary>One convolution call's shapes: <see cref="Batch"/> images [C×H×W] through <see cref="Window"/>'s sliding window
/// into <see cref="OutChannels"/> channels [O×OH×OW], with weight [O×C×kH×kW] and bias [O].</summary>
public readonly record struct ConvolutionGeometry(int Batch, int OutChannels, Im2ColGeometry Window)
{
    /// <summary>Output pixels of one channel of one image (OH·OW).</summary>
    public int OutPixels => Window.OutPixels;

    /// <summary>Columns of the whole batch's column matrix: one per output pixel of every image.</summary>
    public int Columns => Batch * Window.OutPixels;

    public long InputLength => (long)Batch * Window.ImageLength;

    public long OutputLength => (long)Batch * OutChannels * Window.OutPixels;

    public int WeightLength => OutChannels * Window.Rows;

    /// <summary>Throws naming the geometry and the lengths when a buffer is too short for it.</summary>
    public void Check(string product, long input, long output, long weight)
    {
        if (input < InputLength || output < OutputLength || weight < WeightLength)
            throw new ArgumentException(
                $"Convolution.{product} of {Batch}×[{Window.Channels}×{Window.Height}×{Window.Width}] → {OutChannels}×[{Window.OutHeight}×{Window.OutWidth}] " +
                $"needs {InputLength} input, {OutputLength} output and {WeightLength} weight floats; got {input}, {output} and {weight}.");
    }
}
