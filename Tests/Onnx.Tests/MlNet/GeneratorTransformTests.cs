using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Onnx.Tests.Support;
using NeuralPipelines.Pipelines.Generative;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Onnx.Tests.MlNet;

/// <summary>A trained generator in ML.NET: a column of noise becomes a column of images equal to our own samples; the
/// pipeline saves with <c>ml.Model.Save</c>, and a fresh process with no NeuralPipelines code draws the same pixels.</summary>
public sealed class GeneratorTransformTests
{
    private static GenerativeModel Trained(GenerativeKind kind, int components)
    {
        var digits = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Train.Take(256);
        var options = GenerativeOptions.For(kind) with
        {
            Epochs = 1, BatchSize = 128, AutoencoderEpochs = kind == GenerativeKind.GmmnAe ? 1 : 0, AutoencoderBatchSize = 128, LatentComponents = components,
        };
        var (model, state) = GenerativeSetup.Start(kind, digits, options);
        new GenerativeTrainer(model, state).Fit(digits);
        return model;
    }

    /// <summary>A GAN of mixture noise too: its noise column is drawn from the components stored with the model.</summary>
    [Theory]
    [InlineData(GenerativeKind.Gan, 0)]
    [InlineData(GenerativeKind.Gan, 4)]
    [InlineData(GenerativeKind.GmmnAe, 0)]
    public void Noise_column_to_image_column_matches_our_samples_here_and_in_a_fresh_process(GenerativeKind kind, int components)
    {
        var model = Trained(kind, components);
        var ml = new MLContext(seed: 1);
        var noise = GeneratorCatalog.Noise(ml, model, count: 6, seed: 9);
        var transformer = ml.Transforms.GenerateImages(model).Fit(noise);
        var images = transformer.Transform(noise).GetColumn<VBuffer<float>>("Image").Select(v => v.DenseValues().ToArray()).ToArray();

        var ours = model.Sample(6, seed: 9).Span.ToArray();
        Assert.Equal(6, images.Length);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 784; j++)
                Assert.Equal(ours[i * 784 + j], images[i][j], 1e-5);

        using var temp = new TempFolder();
        var zip = temp.File("generator.zip");
        ml.Model.Save(transformer, noise.Schema, zip);
        var rows = noise.GetColumn<VBuffer<float>>("Noise").SelectMany(v => v.DenseValues()).ToArray();
        var there = MlNetProbe.Score(zip, rows, temp.Path, "Image");
        Assert.Equal(images.Length, there.Length);
        for (int i = 0; i < images.Length; i++) Assert.Equal(images[i], there[i]);
    }
}
