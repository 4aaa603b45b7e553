namespace NeuralPipelines.Onnx.Batch;

/// <summary>Where scoring runs: <see cref="Auto"/> tries ONNX Runtime's CUDA provider and falls back to the CPU (saying
/// why); <see cref="Cuda"/> insists on the GPU and fails when it cannot be had; <see cref="Cpu"/> never tries it.</summary>
public enum ScoringDevice
{
    Auto,
    Cpu,
    Cuda,
}
