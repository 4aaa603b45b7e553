using System.Text.Json.Serialization;
using NeuralPipelines.Models.Optimizers;

namespace NeuralPipelines.Models.Generative.Training;

/// <summary>Where a generative training run stands: options, epochs done, history, and the optimisers (a GAN's two, the
/// GMMN+AE auto-encoder's and generator's) with their moments. Every random draw of epoch e is seeded by (seed, e), so
/// with the weights this is all a resumed run needs to continue bit for bit.</summary>
public sealed class GenerativeTrainingState
{
    public GenerativeOptions Options { get; set; } = new();
    public int CompletedEpochs { get; set; }
    public List<GenerativeEpochReport> History { get; set; } = [];
    public double TrainSeconds { get; set; }

    /// <summary>Optimisers by the name of the network they step ("generator", "discriminator", "autoencoder"); stored as
    /// tensors beside the weights.</summary>
    [JsonIgnore]
    public Dictionary<string, Optimizer> Optimizers { get; } = [];
}

/// <summary>What one epoch of generative training measured: its phase ("gan", "autoencoder", "gmmn") and the mean of each
/// of its losses over the epoch's batches (d_loss, g_loss, d_real, d_fake; mmd; reconstruction).</summary>
public sealed record GenerativeEpochReport(int Epoch, int Epochs, string Phase, IReadOnlyDictionary<string, double> Losses,
    double Seconds, double ImagesPerSecond);

/// <summary>Progress within an epoch, after each batch: the batch's losses as one line ("d 0.6931 g 0.6931", "mmd 0.1234")
/// and the η its optimiser steps took (<see cref="GenerativeOptions.LearningRateAt"/>).</summary>
public readonly record struct GenerativeBatchProgress(int Epoch, int Epochs, int Batch, int Batches, string Phase, string Losses, float LearningRate);
