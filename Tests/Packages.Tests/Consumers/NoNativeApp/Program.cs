// A console app that references NeuralPipelines.Onnx and no native ONNX Runtime package. Usage: NoNativeApp MODEL.onnx
// Opening the model must fail with OnnxRuntimeMissingException naming the packages to add (exit 3), not with a bare
// DllNotFoundException or TypeInitializationException.
using NeuralPipelines.Onnx.Scoring;

try
{
    using var scorer = OnnxScorer.Load(args[0]);
    Console.WriteLine("loaded");
    return 0;
}
catch (OnnxRuntimeMissingException e)
{
    Console.WriteLine($"missing={e.Message}");
    return 3;
}
